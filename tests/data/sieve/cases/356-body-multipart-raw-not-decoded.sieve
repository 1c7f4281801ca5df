# message: multipart.eml
require ["body", "fileinto"];
if body :raw :contains "Café" { fileinto "yes"; }
