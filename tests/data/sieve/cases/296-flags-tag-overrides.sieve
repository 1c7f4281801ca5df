# message: plain.eml
require ["imap4flags", "fileinto"];
addflag "\\Seen";
fileinto :flags "\\Answered foo" "a";
fileinto "b";
