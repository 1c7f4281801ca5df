# message: plain.eml
require "imap4flags";
addflag "a";
discard;
