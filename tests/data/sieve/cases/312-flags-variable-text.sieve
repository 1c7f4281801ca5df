# message: plain.eml
require ["imap4flags", "variables", "fileinto"];
setflag "x" "\\SEEN b  a \\Bogus";
addflag "x" "B c";
fileinto "${x}|";
