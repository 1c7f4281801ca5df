# message: plain.eml
require ["variables", "fileinto"];
set "a" "x";
set "a" "${a}y";
set "a" "${a}z";
fileinto "${a}";
