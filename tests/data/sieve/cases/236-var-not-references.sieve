# message: plain.eml
require ["variables", "fileinto"];
set "a" "x";
fileinto "${ a }-${a-${a}}-${}-${1a}-${a";
