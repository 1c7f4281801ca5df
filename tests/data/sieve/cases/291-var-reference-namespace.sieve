# message: plain.eml
require ["variables", "fileinto"];
set "a" "x";
fileinto "${a}${foo.bar}";
