# message: plain.eml
# spam-score: 23
require ["spamtest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :matches "*" { fileinto "level-${1}"; }
