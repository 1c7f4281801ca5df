# message: plain.eml
if mailboxexists "INBOX" {}
