# message: encoded.eml
require ["body", "fileinto"];
if body :contains "x" { fileinto "yes"; }
