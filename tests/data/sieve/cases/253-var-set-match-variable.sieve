# message: plain.eml
require ["variables"];
set "0" "x";
