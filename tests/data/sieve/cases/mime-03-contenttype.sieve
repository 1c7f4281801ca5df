# message: multipart.eml
require ["mime", "fileinto"];
if header :mime :contenttype "content-type" "multipart/mixed" { fileinto "Mixed"; }
