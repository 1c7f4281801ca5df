# message: plain.eml
require ["variables"];
set "who" "not an address";
redirect "${who}";
