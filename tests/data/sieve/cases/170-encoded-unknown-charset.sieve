# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains "subject" "=?x-unknown?q?y?=" { fileinto "raw"; } elsif header :contains "subject" " y" { fileinto "decoded"; }
