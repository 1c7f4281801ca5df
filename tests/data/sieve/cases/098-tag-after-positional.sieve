# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header "subject" :contains "meeting" { fileinto "yes"; }
