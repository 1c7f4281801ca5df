# message: multipart.eml
require ["mime", "fileinto"];
if header :mime :anychild :param "filename" "content-disposition" "a.bin" { fileinto "Attached"; }
