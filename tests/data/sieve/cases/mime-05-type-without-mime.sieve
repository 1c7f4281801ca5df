# message: multipart.eml
require ["mime", "fileinto"];
if header :type "content-type" "multipart" { keep; }
