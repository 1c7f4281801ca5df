# message: plain.eml
require ["variables", "fileinto"];
set :lowerfirst :upper "a" "hello";
fileinto "${a}";
