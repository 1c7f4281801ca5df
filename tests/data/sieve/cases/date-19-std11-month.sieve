# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :zone "+0000" :matches "x-other-date" "month" "*" { fileinto "m${1}"; }
if date :zone "+0000" :matches "x-other-date" "minute" "*" { fileinto "min${1}"; }
