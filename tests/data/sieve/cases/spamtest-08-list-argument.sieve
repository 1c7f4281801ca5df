# message: plain.eml
require ["spamtest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest ["5", "6"] { keep; }
