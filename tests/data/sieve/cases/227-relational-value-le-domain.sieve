# message: list.eml
require ["fileinto", "envelope", "relational", "comparator-i;ascii-numeric"];
if address :value "le" :domain "from" "example.org" { fileinto "yes"; }
