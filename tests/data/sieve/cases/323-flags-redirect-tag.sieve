# message: plain.eml
require "imap4flags";
redirect :flags "a" "x@example.com";
