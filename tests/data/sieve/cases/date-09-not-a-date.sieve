# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :matches "x-bad-date" "year" "*" { fileinto "bad"; } else { fileinto "no-date"; }
