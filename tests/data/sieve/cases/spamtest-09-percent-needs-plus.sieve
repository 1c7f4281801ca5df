# message: plain.eml
# spam-score: 4.5
require ["spamtest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :percent "50" { keep; }
