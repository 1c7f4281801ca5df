# message: encoded.eml
require ["regex", "fileinto"];
if header :regex "subject" "^Caf. order" { fileinto "one-character"; } else { fileinto "bytes"; }
