# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is "Subject" "MEETING TOMORROW?" { fileinto "yes"; }
