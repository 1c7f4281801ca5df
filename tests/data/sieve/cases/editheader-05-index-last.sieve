# message: editheader-dups.eml
require ["editheader", "fileinto"];
deleteheader :index 1 :last "x-dup";
if header :is "x-dup" "third" { fileinto "Still"; }
elsif header :is "x-dup" "first" { fileinto "ThirdGone"; }
