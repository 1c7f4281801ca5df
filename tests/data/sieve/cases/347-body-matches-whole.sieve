# message: plain.eml
require ["body", "fileinto"];
if body :matches "*10?*" { fileinto "yes"; }
