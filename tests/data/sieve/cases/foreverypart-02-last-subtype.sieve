# message: multipart.eml
require ["foreverypart", "mime", "fileinto", "variables"];
foreverypart {
  if header :mime :matches :subtype "content-type" "*" { set "last" "${1}"; }
}
fileinto "last-${last}";
