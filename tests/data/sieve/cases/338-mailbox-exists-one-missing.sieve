# message: plain.eml
# mailboxes: Work
require ["mailbox", "fileinto"];
if mailboxexists ["Work", "Lists"] { fileinto "all"; } else { fileinto "some"; }
