# message: multipart.eml
require ["body", "fileinto"];
if body :contains "xyzzy" { fileinto "yes"; }
