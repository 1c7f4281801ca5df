# message: plain.eml
require ["variables", "fileinto"];
if header :matches "subject" "?ee*" { fileinto "${1}|${2}"; }
