# message: plain.eml
require ["spamtest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto "untested"; }
