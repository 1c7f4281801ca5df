# message: encoded.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains "subject" "CAFÉ" { fileinto "upper"; } elsif header :contains "subject" "Café" { fileinto "exact"; }
