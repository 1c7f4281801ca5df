# message: plain.eml
require ["body", "fileinto"];
if body :contains "Meeting tomorrow" { fileinto "yes"; }
