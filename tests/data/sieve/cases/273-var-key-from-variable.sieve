# message: plain.eml
require ["variables", "fileinto"];
set "k" "*tomorrow*";
if header :matches "subject" "${k}" { fileinto "yes"; }
