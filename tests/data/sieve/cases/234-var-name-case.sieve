# message: plain.eml
require ["variables", "fileinto"];
set "Folder" "a";
fileinto "${FOLDER}-${folder}";
