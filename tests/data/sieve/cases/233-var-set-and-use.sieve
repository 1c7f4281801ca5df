# message: plain.eml
require ["variables", "fileinto"];
set "folder" "Work";
fileinto "${folder}";
