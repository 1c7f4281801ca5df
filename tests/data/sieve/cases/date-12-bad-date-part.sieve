# message: date-zones.eml
require ["date", "fileinto", "variables"];
if date "date" "fortnight" "1" { fileinto "x"; } else { fileinto "unknown-part-false"; }
