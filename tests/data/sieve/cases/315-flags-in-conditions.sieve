# message: list.eml
require ["imap4flags", "fileinto"];
if header :contains "subject" "[list]" {
  addflag "$List";
  fileinto "Lists";
} else {
  addflag "\\Flagged";
}
