# message: folded.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is "x-empty" "" { fileinto "yes"; }
