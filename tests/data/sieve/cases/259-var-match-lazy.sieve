# message: plain.eml
require ["variables", "fileinto"];
if header :matches "subject" "*e*" { fileinto "a-${1}-${2}-${0}"; }
