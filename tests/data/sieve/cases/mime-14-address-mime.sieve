# message: multipart.eml
require ["mime", "fileinto"];
if address :mime :domain "from" "example.org" { fileinto "Org"; }
