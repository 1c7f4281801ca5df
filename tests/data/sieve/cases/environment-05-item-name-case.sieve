# message: plain.eml
require ["environment", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if environment :contains "LOCATION" "" { fileinto "x"; } else { fileinto "names-as-written"; }
