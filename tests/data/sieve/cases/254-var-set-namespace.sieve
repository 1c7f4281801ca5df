# message: plain.eml
require ["variables"];
set "ns.a" "x";
