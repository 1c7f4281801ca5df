# message: plain.eml
require ["variables", "fileinto"];
set :length "a" "café";
fileinto "n${a}";
