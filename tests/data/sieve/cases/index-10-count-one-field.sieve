# message: index-multi.eml
require ["index", "date", "fileinto", "relational", "comparator-i;ascii-numeric"];
if header :index 2 :count "eq" :comparator "i;ascii-numeric" "x-tag" "1" { fileinto "counted-one"; }
