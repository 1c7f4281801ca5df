# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :comparator "i;octet" :contains "subject" "Meeting" { fileinto "yes"; }
