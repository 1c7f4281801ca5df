# message: multipart.eml
require ["foreverypart", "mime", "extracttext", "variables", "fileinto"];
foreverypart {
  if header :mime :subtype "content-type" "octet-stream" { extracttext "t"; }
}
if string :is "${t}" "" { fileinto "NoText"; } else { fileinto "Text"; }
