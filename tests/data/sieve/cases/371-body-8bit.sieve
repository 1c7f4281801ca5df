# message: raw8bit.eml
require ["body", "fileinto"];
if body :raw :matches "*" { fileinto "any"; }
