# message: plain.eml
require ["duplicate", "variables", "fileinto"];
set "id" "abc";
if duplicate :uniqueid "${id}" { fileinto "D"; } else { fileinto "N"; }
