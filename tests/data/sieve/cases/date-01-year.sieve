# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :is "date" "year" "2026" { fileinto "y2026"; }
