# message: plain.eml
require ["mime", "fileinto"];
if header :mime :type "content-type" "text" { fileinto "DefaultText"; } else { fileinto "NoField"; }
