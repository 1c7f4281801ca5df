# message: multipart.eml
require ["body", "fileinto"];
if body :raw :contains "c2VjcmV0" { fileinto "yes"; }
