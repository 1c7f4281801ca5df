# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :zone "-0800" :matches "date" "std11" "*" { fileinto "${1}"; }
