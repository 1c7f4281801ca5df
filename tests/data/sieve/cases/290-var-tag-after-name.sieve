# message: plain.eml
require ["variables"];
set "a" "x" :lower;
