# message: multipart.eml
require "fileinto";
if header :mime :type "content-type" "multipart" { fileinto "Multi"; }
