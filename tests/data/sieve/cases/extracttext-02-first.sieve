# message: multipart.eml
require ["foreverypart", "mime", "extracttext", "variables", "fileinto"];
foreverypart {
  if header :mime :subtype "content-type" "plain" { extracttext :first 3 "t"; }
}
fileinto "first-${t}";
