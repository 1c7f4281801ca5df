# message: plain.eml
require ["imap4flags", "fileinto"];
addflag "a";
fileinto "f";
removeflag "a";
keep;
