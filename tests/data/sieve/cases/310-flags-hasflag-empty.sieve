# message: plain.eml
require ["imap4flags", "fileinto"];
if hasflag :matches "*" { fileinto "any"; }
