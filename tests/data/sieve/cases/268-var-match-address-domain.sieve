# message: plain.eml
require ["variables", "fileinto"];
if address :domain :matches "from" "*.*" { fileinto "${1}/${2}"; }
