# message: plain.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if header :value "GE" :comparator "i;ascii-numeric" "x-priority" "1" { fileinto "yes"; }
