# message: plain.eml
require ["imap4flags", "fileinto"];
setflag "\\Seen $Junk";
addflag ["\\flagged", "\\SEEN"];
fileinto "a";
removeflag "$junk";
keep;
