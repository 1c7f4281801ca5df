# message: plain.eml
require ["variables", "fileinto"];
if header :matches "subject" "M*" {}
if header :matches "subject" "X*" {}
fileinto "${1}";
