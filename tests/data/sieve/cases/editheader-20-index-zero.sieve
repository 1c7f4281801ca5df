# message: editheader-dups.eml
# RFC 5293 §5: fields are numbered from 1, so :index 0 names none.
require ["editheader", "fileinto", "relational", "comparator-i;ascii-numeric"];
deleteheader :index 0 "x-dup";
if header :count "eq" :comparator "i;ascii-numeric" "x-dup" "3" { fileinto "Three"; }
elsif not exists "x-dup" { fileinto "AllGone"; }
