# message: multipart.eml
require ["body", "fileinto"];
if body :content "" :contains "Content-Type" { fileinto "yes"; }
