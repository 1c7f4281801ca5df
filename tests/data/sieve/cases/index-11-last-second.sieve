# message: index-multi.eml
require ["index", "date", "fileinto", "relational", "comparator-i;ascii-numeric"];
if header :last :index 2 "x-tag" "second" { fileinto "middle"; }
