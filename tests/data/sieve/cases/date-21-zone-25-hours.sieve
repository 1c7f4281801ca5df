# message: date-zones.eml
require ["date", "fileinto", "variables"];
if date :zone "+2500" :matches "date" "iso8601" "*" { fileinto "${1}"; }
