# message: multipart.eml
require ["mime", "fileinto"];
if exists :mime :anychild "content-disposition" { fileinto "Disposition"; }
