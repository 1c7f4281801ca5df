# message: plain.eml
# spam-score: 0
require ["spamtest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :is "1" { fileinto "not-spam"; }
