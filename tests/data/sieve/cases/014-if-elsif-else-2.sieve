# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains "subject" "[list]" { fileinto "Lists"; }
elsif header :contains "subject" "meeting" { fileinto "Work"; }
else { discard; }
