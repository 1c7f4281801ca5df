# message: folded.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if header :count "lt" "x-tag" "10" { fileinto "lexical"; } else { fileinto "numeric"; }
