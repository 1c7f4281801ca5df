# message: plain.eml
require ["regex", "fileinto", "variables"];
if header :regex "subject" "^MEETING" { fileinto "casemap"; }
