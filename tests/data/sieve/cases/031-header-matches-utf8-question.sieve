# message: encoded.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :matches "subject" "Caf? order*" { fileinto "one"; } elsif header :matches "subject" "Caf?? order*" { fileinto "two"; }
