# message: plain.eml
require ["ihave", "fileinto"];
error "a" "b";
