# message: plain.eml
require ["variables", "fileinto"];
if anyof (header :matches "subject" "M*", header :matches "subject" "*g*") { fileinto "${1}"; }
