# message: plain.eml
require ["variables", "fileinto"];
if header :matches "subject" "Meet*" { fileinto "${001}"; }
