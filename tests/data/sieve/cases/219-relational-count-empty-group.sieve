# message: raw8bit.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if address :count "eq" :comparator "i;ascii-numeric" "cc" "0" { fileinto "zero"; } elsif address :count "eq" :comparator "i;ascii-numeric" "cc" "1" { fileinto "one"; }
