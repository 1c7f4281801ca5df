# message: multipart.eml
require ["foreverypart", "mime", "extracttext", "variables", "fileinto"];
extracttext "t";
