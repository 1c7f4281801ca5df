# message: plain.eml
require ["imap4flags", "variables"];
setflag "x" "\\Seen";
addflag "x" "b";
if hasflag "x" "B" { addflag "yes"; }
if hasflag "\\seen" { addflag "internal"; }
