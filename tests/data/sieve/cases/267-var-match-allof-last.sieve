# message: plain.eml
require ["variables", "fileinto"];
if allof (header :matches "subject" "M*", header :matches "subject" "*g*") { fileinto "${1}"; }
