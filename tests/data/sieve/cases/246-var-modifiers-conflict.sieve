# message: plain.eml
require ["variables", "fileinto"];
set :lower
  :upper "a" "x";
fileinto "${a}";
