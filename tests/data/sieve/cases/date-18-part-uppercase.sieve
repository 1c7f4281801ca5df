# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :zone "+0000" "date" "YEAR" "2026" { fileinto "upper-part"; }
