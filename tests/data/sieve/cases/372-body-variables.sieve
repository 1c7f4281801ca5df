# message: multipart.eml
require ["body", "fileinto", "variables"];
set "code" "XYZZY";
if body :contains "${code}" { fileinto "${code}"; }
