# message: plain.eml
require ["reject", "imap4flags"];
addflag "a";
reject "b";
