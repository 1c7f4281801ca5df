# message: plain.eml
require "imap4flags";
if hasflag "x" "a" {}
