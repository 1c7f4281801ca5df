# message: multipart.eml
require ["body", "fileinto"];
if body :content "text/html" :contains "XYZZY" { fileinto "plain"; } elsif body :content "text/html" :contains "&amp;" { fileinto "html"; }
