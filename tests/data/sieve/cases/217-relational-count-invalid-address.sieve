# message: raw8bit.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if address :count "eq" :comparator "i;ascii-numeric" "to" "1" { fileinto "one"; } elsif address :count "eq" :comparator "i;ascii-numeric" "to" "0" { fileinto "zero"; }
