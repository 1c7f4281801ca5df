# message: editheader-dups.eml
require ["editheader", "fileinto"];
deleteheader "received";
if exists "received" { fileinto "Kept"; }
