# message: multipart.eml
require ["mime", "fileinto"];
if address :mime :type "from" "x" { keep; }
