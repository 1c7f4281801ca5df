# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains "x-none" "" { fileinto "yes"; } elsif header :contains "x-mailer" "" { fileinto "no"; }
