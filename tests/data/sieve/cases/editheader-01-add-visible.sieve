# message: editheader-dups.eml
require ["editheader", "fileinto"];
addheader "X-Added" "yes";
if header :is "x-added" "yes" { fileinto "Seen"; }
