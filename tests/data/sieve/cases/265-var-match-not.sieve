# message: plain.eml
require ["variables", "fileinto"];
if not header :matches "subject" "M*" { }
fileinto "${1}";
