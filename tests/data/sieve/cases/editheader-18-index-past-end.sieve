# message: editheader-dups.eml
require ["editheader", "fileinto", "relational", "comparator-i;ascii-numeric"];
deleteheader :index 9 "x-dup";
if header :count "eq" :comparator "i;ascii-numeric" "x-dup" "3" { fileinto "Three"; }
