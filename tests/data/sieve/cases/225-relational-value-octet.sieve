# message: plain.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if header :value "lt" :comparator "i;octet" "subject" "a" { fileinto "upper-first"; }
