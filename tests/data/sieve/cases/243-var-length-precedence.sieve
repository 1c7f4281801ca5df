# message: plain.eml
require ["variables", "fileinto"];
set :length :upper "a" "hello";
fileinto "${a}";
