# message: multipart.eml
require ["body", "fileinto"];
if body :content "" :contains "secret attachment" { fileinto "yes"; }
