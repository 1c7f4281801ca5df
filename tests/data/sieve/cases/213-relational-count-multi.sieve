# message: folded.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if header :count "eq" :comparator "i;ascii-numeric" ["x-tag", "subject"] "4" { fileinto "four"; }
