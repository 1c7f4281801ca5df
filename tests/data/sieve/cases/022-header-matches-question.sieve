# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :matches "subject" "Meeting tomorrow?" { fileinto "yes"; }
