# message: plain.eml
require "imap4flags";
addflag "a b";
if hasflag "a x" { addflag "split"; }
