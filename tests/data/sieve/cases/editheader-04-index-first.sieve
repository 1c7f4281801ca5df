# message: editheader-dups.eml
require ["editheader", "fileinto"];
deleteheader :index 1 "x-dup";
if header :is "x-dup" "first" { fileinto "Still"; } else { fileinto "FirstGone"; }
