# message: plain.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if header :value "lt" :comparator "i;ascii-numeric" "x-priority" "3" { fileinto "urgent"; }
