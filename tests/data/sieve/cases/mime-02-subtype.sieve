# message: multipart.eml
require ["mime", "fileinto"];
if header :mime :subtype "content-type" "MIXED" { fileinto "Mixed"; }
