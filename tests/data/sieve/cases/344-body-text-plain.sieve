# message: plain.eml
require ["body", "fileinto"];
if body :contains "meet at 10" { fileinto "yes"; }
