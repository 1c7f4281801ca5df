# message: plain.eml
require ["variables", "fileinto"];
set "k" "Test*";
if header :matches "x-mailer" "${k}" { fileinto "${1}"; }
