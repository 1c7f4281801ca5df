# message: plain.eml
require ["mailbox", "fileinto"];
if mailboxexists "INBOX" { fileinto "yes"; } else { fileinto "no"; }
