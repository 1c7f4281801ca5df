# message: plain.eml
require "imap4flags";
addflag "$Label1";
if hasflag :matches "$label*" { addflag "matched"; }
