# message: plain.eml
require ["environment", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if environment :count "eq" :comparator "i;ascii-numeric" "no-such-item" "0" { fileinto "zero"; } else { fileinto "false"; }
