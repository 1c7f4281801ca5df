# message: editheader-dups.eml
require ["editheader"];
addheader "X Bad" "value";
