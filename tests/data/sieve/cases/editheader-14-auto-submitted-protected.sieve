# message: editheader-dups.eml
require ["editheader", "fileinto"];
deleteheader "auto-submitted";
if exists "auto-submitted" { fileinto "Kept"; }
