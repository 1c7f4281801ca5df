# message: plain.eml
require ["regex", "fileinto", "variables"];
if header :regex "x-priority" "^[[:digit:]]+$" { fileinto "digits"; }
