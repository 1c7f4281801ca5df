# message: list.eml
require ["variables", "fileinto"];
if header :matches "to" "nobody*" { discard; }
elsif header :matches "to" "*@*" { fileinto "${1}"; }
