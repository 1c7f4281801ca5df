# message: plain.eml
require ["variables", "fileinto"];
set "a" "x";
set "b" "${a}${a}";
set "a" "y";
fileinto "${b}${a}";
