# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains "subject" "under score" { fileinto "yes"; }
