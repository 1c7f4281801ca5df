# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if date :zone "+0000" "date" "weekday" "2" { fileinto "tuesday-utc"; }
if date :originalzone "date" "weekday" "1" { fileinto "monday-there"; }
