# message: plain.eml
require ["ihave", "fileinto"];
if false { error "never"; }
fileinto "ok";
