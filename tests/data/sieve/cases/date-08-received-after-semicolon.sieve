# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :zone "+0000" :matches "received" "time" "*" { fileinto "r${1}"; }
