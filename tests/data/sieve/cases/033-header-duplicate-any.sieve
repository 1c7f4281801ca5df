# message: folded.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is "x-tag" "third" { fileinto "yes"; }
