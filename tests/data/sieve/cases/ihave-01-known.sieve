# message: plain.eml
require ["ihave", "fileinto"];
if ihave "copy" { fileinto "has-copy"; }
