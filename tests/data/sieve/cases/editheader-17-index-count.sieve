# message: editheader-dups.eml
require ["editheader", "fileinto", "relational", "comparator-i;ascii-numeric"];
deleteheader :index 2 "x-dup";
if header :count "eq" :comparator "i;ascii-numeric" "x-dup" "2" { fileinto "Two"; }
