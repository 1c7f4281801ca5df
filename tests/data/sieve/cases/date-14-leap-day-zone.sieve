# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :originalzone :matches "x-other-date" "zone" "*" { fileinto "z${1}"; }
if date :zone "+0000" "x-other-date" "time" "02:39:10" { fileinto "utc-time"; }
