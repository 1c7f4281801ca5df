# message: plain.eml
require "imap4flags";
keep :flags "x";
keep :flags "y";
