# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :zone "+0530" :matches "date" "hour" "*" { fileinto "h${1}"; }
