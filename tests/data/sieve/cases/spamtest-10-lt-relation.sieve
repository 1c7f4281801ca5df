# message: plain.eml
# spam-score: 1.2
require ["spamtest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :value "lt" :comparator "i;ascii-numeric" "3" { fileinto "low"; }
