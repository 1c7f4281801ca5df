# message: plain.eml
require ["imap4flags", "fileinto"];
setflag "\\Seen $Junk";
fileinto "Junk";
