# message: plain.eml
require ["imap4flags", "fileinto"];
fileinto :flags "a" :flags "b" "f";
