# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is "subject" "Meeting
tomorrow?" { fileinto "nl"; } else { fileinto "none"; }
