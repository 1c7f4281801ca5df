# message: date-zones.eml
require "fileinto";
if date "date" "year" "2026" { fileinto "x"; }
