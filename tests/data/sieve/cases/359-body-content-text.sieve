# message: multipart.eml
require ["body", "fileinto"];
if body :content "text" :contains "<b>HTML" { fileinto "yes"; }
