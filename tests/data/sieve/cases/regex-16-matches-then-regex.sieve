# message: plain.eml
require ["regex", "fileinto", "variables"];
if header :regex "subject" "x" { keep; }
if header :matches :regex "subject" "x" { keep; }
