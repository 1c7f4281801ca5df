# message: index-multi.eml
require ["index", "date", "fileinto", "relational", "comparator-i;ascii-numeric"];
if header :index 4 :matches "x-tag" "*" { fileinto "x"; } else { fileinto "no-fourth"; }
