# message: plain.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if envelope :count "eq" :comparator "i;ascii-numeric" ["from", "to"] "2" { fileinto "two"; }
