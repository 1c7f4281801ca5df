# message: plain.eml
require ["regex", "fileinto", "variables"];
if address :regex :domain "from" "^work\\.example\\.(com|org)$" { fileinto "work"; }
