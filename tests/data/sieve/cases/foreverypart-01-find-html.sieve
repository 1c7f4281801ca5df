# message: multipart.eml
require ["foreverypart", "mime", "fileinto", "variables"];
foreverypart {
  if header :mime :contenttype "content-type" "text/html" { fileinto "Html"; }
}
