# message: editheader-dups.eml
require ["editheader", "fileinto"];
addheader "X-Temp" "1";
deleteheader "x-temp";
if not exists "x-temp" { fileinto "Gone"; }
