# message: plain.eml
require ["variables", "fileinto"];
if header :matches "subject" "meeting*" { fileinto "${0}|${1}"; }
