# message: plain.eml
require ["variables", "fileinto"];
set :upper "a" "MiXeD";
fileinto "${a}";
