# message: plain.eml
require "imap4flags";
addflag "abc";
if hasflag :contains "b" { addflag "contains"; }
