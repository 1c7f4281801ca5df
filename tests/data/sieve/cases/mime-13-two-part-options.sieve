# message: multipart.eml
require ["mime", "fileinto"];
if header :mime :type :subtype "content-type" "x" { keep; }
