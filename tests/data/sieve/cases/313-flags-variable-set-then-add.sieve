# message: plain.eml
require ["imap4flags", "variables", "fileinto"];
set "x" "\\seen  a";
addflag "x" "b";
fileinto "${x}|";
