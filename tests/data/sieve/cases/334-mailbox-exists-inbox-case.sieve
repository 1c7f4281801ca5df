# message: plain.eml
require ["mailbox", "fileinto"];
if mailboxexists "inbox" { fileinto "yes"; } else { fileinto "no"; }
