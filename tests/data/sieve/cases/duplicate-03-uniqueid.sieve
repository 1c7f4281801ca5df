# message: plain.eml
require ["duplicate", "fileinto"];
if not duplicate :uniqueid "abc" { fileinto "New"; }
