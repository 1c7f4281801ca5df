# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :zone "+0100" :originalzone "date" "year" "2026" { keep; }
