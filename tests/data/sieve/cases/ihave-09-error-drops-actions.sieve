# message: plain.eml
require ["ihave", "fileinto"];
fileinto "a";
error "stop here";
