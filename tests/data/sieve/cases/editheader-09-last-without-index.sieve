# message: editheader-dups.eml
require ["editheader", "fileinto"];
deleteheader :last "x-dup";
if not exists "x-dup" { fileinto "AllGone"; }
