# message: multipart.eml
require ["body", "fileinto"];
if body :comparator "i;octet" :contains "xyzzy" { fileinto "yes"; } else { fileinto "no"; }
