# message: plain.eml
# spam-score: 0.4
require ["spamtestplus", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :percent :matches "*" { fileinto "p${1}"; }
