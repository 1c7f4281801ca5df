# message: multipart.eml
require ["body","fileinto"];
if body :content "text/plain" :is "Café plain text, offer code XYZZY." { fileinto "exact"; }
