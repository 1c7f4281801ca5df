# message: multipart.eml
require ["foreverypart", "mime", "extracttext", "variables", "fileinto"];
foreverypart {
  if header :mime :subtype "content-type" "alternative" { extracttext "t"; }
}
if string :is "${t}" "" { fileinto "Empty"; }
