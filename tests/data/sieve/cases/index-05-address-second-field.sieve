# message: index-multi.eml
require ["index", "date", "fileinto", "relational", "comparator-i;ascii-numeric"];
if address :index 2 :localpart "to" "three" { fileinto "second-to"; }
if address :index 1 :localpart "to" "three" { fileinto "x"; }
