# message: plain.eml
# spam-score: 5.6
require ["spamtestplus", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :percent :matches "*" { fileinto "p${1}"; }
