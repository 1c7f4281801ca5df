# message: plain.eml
require ["variables"];
set "1a" "x";
