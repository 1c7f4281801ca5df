# message: plain.eml
require ["mailbox", "fileinto"];
if mailboxexists ["INBOX", "Nope"] { fileinto "yes"; } else { fileinto "no"; }
