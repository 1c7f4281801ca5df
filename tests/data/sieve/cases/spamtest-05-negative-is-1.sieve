# message: plain.eml
# spam-score: -3.5
require ["spamtest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :matches "*" { fileinto "level-${1}"; }
