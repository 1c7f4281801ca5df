# message: plain.eml
require ["variables", "fileinto"];
set :quotewildcard :upper "a" "*x?\\";
fileinto "${a}";
