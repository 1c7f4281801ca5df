# message: plain.eml
require "imap4flags";
addflag "a";
removeflag "A";
setflag "\\flagged";
keep :flags ["\\draft", "\\deleted \\answered"];
