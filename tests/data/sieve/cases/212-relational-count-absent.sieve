# message: plain.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if header :count "eq" :comparator "i;ascii-numeric" "x-absent" "0" { fileinto "zero"; }
