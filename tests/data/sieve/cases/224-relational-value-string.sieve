# message: plain.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if header :value "gt" "subject" "Meeting" { fileinto "after"; }
