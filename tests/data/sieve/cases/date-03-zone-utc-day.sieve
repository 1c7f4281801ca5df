# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :zone "+0000" :matches "date" "date" "*" { fileinto "${1}"; }
