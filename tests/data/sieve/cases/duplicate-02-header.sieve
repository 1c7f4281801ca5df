# message: plain.eml
require ["duplicate", "fileinto"];
if duplicate :header "X-Mailer" { fileinto "Dup"; }
