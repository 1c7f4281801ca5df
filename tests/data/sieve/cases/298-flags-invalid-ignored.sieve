# message: plain.eml
require "imap4flags";
addflag "\\Recent \\Bogus foo( ok";
