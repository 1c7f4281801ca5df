# message: folded.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is "subject" "A very long subject line that is folded onto a second line" { fileinto "yes"; }
