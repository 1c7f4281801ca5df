# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :CONTAINS "subject" "meeting" { fileinto "yes"; }
