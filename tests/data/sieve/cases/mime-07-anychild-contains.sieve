# message: multipart.eml
require ["mime", "fileinto"];
if header :mime :anychild :contains "content-type" "html" { fileinto "HasHtml"; }
