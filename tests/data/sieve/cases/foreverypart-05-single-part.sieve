# message: plain.eml
require ["foreverypart", "fileinto"];
foreverypart { fileinto "InLoop"; }
