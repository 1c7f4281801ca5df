# message: plain.eml
require ["imap4flags", "variables"];
addflag "x" "a" "b";
