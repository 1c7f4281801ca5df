# message: date-zones.eml
require ["date", "fileinto", "variables"];
if date :zone "x" :matches "date" "zone" "*" { fileinto "local-${1}"; }
