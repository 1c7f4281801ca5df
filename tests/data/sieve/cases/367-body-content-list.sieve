# message: multipart.eml
require ["body", "fileinto"];
if body :content ["image", "application/octet-stream"] :contains "payload" { fileinto "yes"; }
