# message: plain.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if header :value "gt" :comparator "i;ascii-numeric" "subject" "999999" { fileinto "inf"; }
