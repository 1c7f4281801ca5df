# message: index-multi.eml
require ["index", "date", "fileinto", "relational", "comparator-i;ascii-numeric"];
if header :last "x-tag" "third" { keep; }
