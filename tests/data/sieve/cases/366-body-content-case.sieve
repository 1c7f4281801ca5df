# message: multipart.eml
require ["body", "fileinto"];
if body :content "TEXT/PLAIN" :contains "xyzzy" { fileinto "yes"; }
