# message: multipart.eml
require ["foreverypart", "mime", "fileinto", "variables"];
foreverypart :name "outer" {
  set "seen" "${seen}o";
  foreverypart :name "inner" {
    set "seen" "${seen}i";
    if header :mime :subtype "content-type" "html" { break :name "outer"; }
  }
}
fileinto "seen-${seen}";
