# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains "x-absent" "" { fileinto "no"; } else { fileinto "else"; }
