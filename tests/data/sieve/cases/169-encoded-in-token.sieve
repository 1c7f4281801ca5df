# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains "subject" "abcx" { fileinto "decoded"; } elsif header :contains "subject" "abc=?utf-8?q?x?=" { fileinto "raw"; }
