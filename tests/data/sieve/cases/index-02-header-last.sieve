# message: index-multi.eml
require ["index", "date", "fileinto", "relational", "comparator-i;ascii-numeric"];
if header :index 1 :last "x-tag" "third" { fileinto "last-is-third"; }
