# message: plain.eml
require ["imap4flags", "fileinto"];
fileinto :flags "x" "f";
fileinto :flags "y" "f";
