# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :originalzone :matches "date" "iso8601" "*" { fileinto "${1}"; }
