# message: multipart.eml
require ["foreverypart", "mime", "fileinto", "variables"];
foreverypart { set "n" "${n}x"; }
fileinto "parts-${n}";
