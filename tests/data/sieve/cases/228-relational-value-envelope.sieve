# message: plain.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if envelope :value "eq" :localpart "from" "ALICE" { fileinto "yes"; }
