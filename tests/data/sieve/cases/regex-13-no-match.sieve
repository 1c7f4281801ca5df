# message: plain.eml
require ["regex", "fileinto", "variables"];
if header :regex "subject" "^tomorrow" { fileinto "x"; } else { fileinto "nomatch"; }
