# message: plain.eml
require ["body", "fileinto"];
if body :raw :contains "meet" { fileinto "yes"; }
