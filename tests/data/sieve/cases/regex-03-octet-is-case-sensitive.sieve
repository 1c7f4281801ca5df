# message: plain.eml
require ["regex", "fileinto", "variables"];
if header :regex :comparator "i;octet" "subject" "^MEETING" { fileinto "x"; } else { fileinto "octet"; }
