# message: editheader-dups.eml
require ["editheader", "fileinto"];
deleteheader :contains "x-dup" "eco";
if header :is "x-dup" "second" { fileinto "Still"; } else { fileinto "SecondGone"; }
