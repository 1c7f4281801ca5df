# message: list.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if header :count "ge" :comparator "i;ascii-numeric" "received" "1" { fileinto "yes"; }
