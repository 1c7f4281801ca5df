# message: plain.eml
require "mailbox";
if mailboxexists {}
