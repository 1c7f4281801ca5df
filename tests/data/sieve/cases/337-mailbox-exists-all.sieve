# message: plain.eml
# mailboxes: Work Lists
require ["mailbox", "fileinto"];
if mailboxexists ["Work", "Lists", "INBOX"] { fileinto "all"; }
