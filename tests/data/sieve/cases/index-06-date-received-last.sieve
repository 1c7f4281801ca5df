# message: index-multi.eml
require ["index", "date", "fileinto", "relational", "comparator-i;ascii-numeric"];
if date :index 1 :last "received" "hour" "08" { fileinto "oldest-hop"; }
