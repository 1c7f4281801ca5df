# message: multipart.eml
require ["foreverypart", "mime", "extracttext", "variables", "fileinto"];
foreverypart {
  if header :mime :subtype "content-type" "plain" { extracttext "t"; }
}
if string :contains "${t}" "XYZZY" { fileinto "Found"; }
