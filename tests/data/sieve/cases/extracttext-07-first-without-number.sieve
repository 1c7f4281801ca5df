# message: multipart.eml
require ["foreverypart", "extracttext", "variables"];
foreverypart { extracttext :first "t"; }
