# message: plain.eml
require ["regex", "fileinto", "variables"];
if header :regex "x-mailer" "^(foo|test)\\*" { fileinto "alt"; }
