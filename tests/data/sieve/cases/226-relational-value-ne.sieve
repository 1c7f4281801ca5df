# message: folded.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if header :value "ne" "x-tag" "first" { fileinto "some-differ"; }
