# message: editheader-dups.eml
require ["editheader", "fileinto"];
deleteheader "x-dup";
if not exists "x-dup" { fileinto "Gone"; }
