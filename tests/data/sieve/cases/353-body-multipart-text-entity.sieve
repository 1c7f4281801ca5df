# message: multipart.eml
require ["body", "fileinto"];
if body :text :contains "& friends" { fileinto "yes"; }
