# message: multipart.eml
require ["mime", "fileinto"];
if header :mime :type "content-type" "multipart" { fileinto "Multi"; }
