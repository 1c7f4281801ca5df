# message: plain.eml
require ["ihave", "fileinto"];
error;
