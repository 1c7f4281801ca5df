# message: editheader-dups.eml
require ["editheader", "fileinto"];
addheader "X-Utf8b" "Café ok";
if header :is "x-utf8b" "Café ok" { fileinto "Decoded"; }
