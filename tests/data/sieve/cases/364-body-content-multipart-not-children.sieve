# message: multipart.eml
require ["body", "fileinto"];
if body :content "multipart" :contains "XYZZY" { fileinto "yes"; }
