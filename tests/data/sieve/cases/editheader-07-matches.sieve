# message: editheader-dups.eml
require ["editheader", "fileinto", "relational", "comparator-i;ascii-numeric"];
deleteheader :matches "x-dup" "*ir*";
if header :count "eq" :comparator "i;ascii-numeric" "x-dup" "1" { fileinto "OneLeft"; }
