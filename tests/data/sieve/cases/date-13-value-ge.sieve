# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :value "ge" :zone "+0000" "date" "date" "2026-12-08" { fileinto "not-before"; } else { fileinto "before"; }
