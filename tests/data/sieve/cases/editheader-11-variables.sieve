# message: editheader-dups.eml
require ["editheader", "variables", "fileinto"];
if header :matches "subject" "header *" { set "what" "${1}"; }
addheader "X-What" "was ${what}";
if header :is "x-what" "was edits" { fileinto "Var"; }
