# message: plain.eml
require ["imap4flags", "variables"];
addflag "1x" "a";
