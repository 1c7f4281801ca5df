# message: plain.eml
# spam-score: 5
require ["spamtest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :value "ge" :comparator "i;ascii-numeric" "6" { fileinto "Junk"; }
