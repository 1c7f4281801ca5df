# message: editheader-dups.eml
require ["editheader", "fileinto"];
deleteheader "from";
addheader "From" "Carol <carol@example.com>";
if address :domain :is "from" "example.com" { fileinto "Carol"; }
