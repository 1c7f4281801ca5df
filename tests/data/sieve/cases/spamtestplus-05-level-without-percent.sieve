# message: plain.eml
# spam-score: 7.2
require ["spamtestplus", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :matches "*" { fileinto "level-${1}"; }
