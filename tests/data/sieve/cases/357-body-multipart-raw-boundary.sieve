# message: multipart.eml
require ["body", "fileinto"];
if body :raw :contains "--inner" { fileinto "yes"; }
