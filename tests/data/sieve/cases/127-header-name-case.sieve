# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is "SUBJECT" "meeting tomorrow?" { fileinto "yes"; }
