# message: groups.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if address :count "eq" :comparator "i;ascii-numeric" "to" "3" { fileinto "three"; }
