# message: plain.eml
# spam-score: 9
require ["spamtestplus", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :percent :value "eq" :comparator "i;ascii-numeric" "100" { fileinto "certain"; }
