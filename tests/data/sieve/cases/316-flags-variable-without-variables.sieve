# message: plain.eml
require "imap4flags";
setflag "x" "\\Seen";
