# message: plain.eml
require ["regex", "fileinto", "variables"];
if header :regex "subject" "meet.*tomorrow" { fileinto "hit"; }
