# message: multipart.eml
require ["foreverypart", "mime", "extracttext", "variables", "fileinto"];
foreverypart {
  if header :mime :subtype "content-type" "html" { extracttext "t"; }
}
if string :matches "${t}" "*Hello HTML*world*" { fileinto "Html"; }
