# message: raw8bit.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :matches "subject" "caf? raw*" { fileinto "one"; } elsif header :matches "subject" "caf?? raw*" { fileinto "two"; }
