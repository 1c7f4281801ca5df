# message: plain.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if address :count "gt" :comparator "i;ascii-numeric" "to" "1" { fileinto "many"; }
