# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :matches "x-none" "year" "*" { fileinto "x"; } else { fileinto "no-header"; }
