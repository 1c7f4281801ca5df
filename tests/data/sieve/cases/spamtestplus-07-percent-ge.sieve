# message: plain.eml
# spam-score: 5.3
require ["spamtestplus", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :percent :value "ge" :comparator "i;ascii-numeric" "60" { fileinto "Junk"; } else { fileinto "ham"; }
