# message: multipart.eml
require ["mime", "fileinto"];
if header :mime :param "boundary" "content-type" "outer" { fileinto "Outer"; }
