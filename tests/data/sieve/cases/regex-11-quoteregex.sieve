# message: plain.eml
require ["regex", "fileinto", "variables"];
set :quoteregex "q" "Test*Mailer?v1";
if header :regex "x-mailer" "^${q}$" { fileinto "quoted"; }
