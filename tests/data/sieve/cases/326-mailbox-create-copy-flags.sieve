# message: plain.eml
require ["mailbox", "fileinto", "copy", "imap4flags"];
fileinto :copy :create :flags "\\Seen" "New";
