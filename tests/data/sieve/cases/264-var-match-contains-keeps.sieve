# message: plain.eml
require ["variables", "fileinto"];
if header :matches "subject" "M*" {}
if header :contains "subject" "e" {}
fileinto "${1}";
