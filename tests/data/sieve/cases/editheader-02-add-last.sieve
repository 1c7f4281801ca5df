# message: editheader-dups.eml
require ["editheader", "fileinto"];
addheader :last "X-Tail" "end";
if exists "x-tail" { fileinto "Tail"; }
