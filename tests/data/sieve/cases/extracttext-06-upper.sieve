# message: multipart.eml
require ["foreverypart", "mime", "extracttext", "variables", "fileinto"];
foreverypart {
  if header :mime :subtype "content-type" "plain" { extracttext :upper :first 3 "t"; }
}
fileinto "up-${t}";
