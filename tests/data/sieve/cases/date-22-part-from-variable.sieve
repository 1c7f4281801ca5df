# message: date-zones.eml
require ["date", "fileinto", "variables"];
set "part" "fortnight";
if date :matches "date" "${part}" "*" { fileinto "x"; } else { fileinto "unknown-part-false"; }
