# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if currentdate :originalzone "year" "2026" { keep; }
