# message: plain.eml
require ["duplicate", "fileinto"];
if duplicate :header "X-Mailer" :handle "h" :seconds 3600 :last { fileinto "D"; }
