# message: plain.eml
require ["duplicate", "fileinto"];
if duplicate :header "X-Mailer" :uniqueid "x" { fileinto "D"; }
