# message: multipart.eml
require ["foreverypart", "mime", "fileinto", "variables"];
foreverypart {
  if header :mime :subtype "content-type" "alternative" {
    foreverypart { if header :mime :matches :subtype "content-type" "*" { set "kids" "${kids}-${1}"; } }
  }
}
fileinto "kids${kids}";
