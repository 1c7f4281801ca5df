# message: plain.eml
require ["imap4flags", "fileinto"];
addflag "\\Seen b";
if hasflag "\\SEEN" { fileinto "seen"; }
if hasflag :is "c" { fileinto "c"; }
