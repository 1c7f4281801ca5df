# message: multipart.eml
require ["body", "fileinto"];
if body :text :contains "Hello HTML" { fileinto "yes"; }
