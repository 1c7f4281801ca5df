# message: plain.eml
require ["variables", "fileinto"];
set :quotewildcard "k" "Test*";
if header :matches "x-mailer" "${k}*" { fileinto "${1}"; }
