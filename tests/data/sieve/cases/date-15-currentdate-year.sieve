# message: date-zones.eml
require ["date", "fileinto", "variables", "relational", "comparator-i;ascii-numeric"];
if currentdate :matches "year" "2*" { fileinto "this-century"; }
