# message: multipart.eml
require ["foreverypart", "mime", "extracttext", "variables", "fileinto"];
foreverypart {
  if header :mime :subtype "content-type" "plain" { extracttext :first 0 "t"; }
}
if string :is "${t}" "" { fileinto "Zero"; }
