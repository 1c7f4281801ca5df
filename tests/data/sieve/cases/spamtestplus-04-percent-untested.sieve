# message: plain.eml
require ["spamtestplus", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :percent :is "0" { fileinto "untested"; }
