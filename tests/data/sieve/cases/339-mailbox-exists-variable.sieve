# message: list.eml
# mailboxes: lists
require ["mailbox", "fileinto", "variables"];
if header :matches "subject" "[*]*" {
  if mailboxexists "${1}s" { fileinto "${1}s"; }
}
