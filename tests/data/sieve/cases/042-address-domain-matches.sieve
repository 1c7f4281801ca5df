# message: list.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :domain :matches "cc" "*.example.com" { fileinto "yes"; }
