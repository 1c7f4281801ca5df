# message: plain.eml
require ["imap4flags", "fileinto", "copy"];
addflag "a";
fileinto :copy "f";
