# message: plain.eml
require ["duplicate", "fileinto"];
if duplicate { fileinto "Dup"; }
