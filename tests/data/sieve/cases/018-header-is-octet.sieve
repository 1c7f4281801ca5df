# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is :comparator "i;octet" "subject" "MEETING TOMORROW?" { fileinto "yes"; }
