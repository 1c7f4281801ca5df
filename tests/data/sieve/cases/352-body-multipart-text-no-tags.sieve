# message: multipart.eml
require ["body", "fileinto"];
if body :text :contains "<b>" { fileinto "yes"; }
