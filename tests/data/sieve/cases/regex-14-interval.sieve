# message: plain.eml
require ["regex", "fileinto", "variables"];
if header :regex "x-spam-score" "^0{2}[0-9]{2}$" { fileinto "interval"; }
