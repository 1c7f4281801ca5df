# message: plain.eml
require ["variables", "fileinto"];
if header :matches "x-mailer" "*\\**" { fileinto "${1}|${2}"; }
