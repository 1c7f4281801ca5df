# message: index-multi.eml
require ["index", "date", "fileinto", "relational", "comparator-i;ascii-numeric"];
if header :index 2 "x-tag" "first" { fileinto "x"; } else { fileinto "second-not-first"; }
