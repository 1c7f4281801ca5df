# message: multipart.eml
require ["mime", "fileinto"];
if header :mime :contains "content-type" "html" { fileinto "TopHtml"; } else { fileinto "NotTop"; }
