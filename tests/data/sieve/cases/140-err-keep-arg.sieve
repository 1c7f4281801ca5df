# message: plain.eml
keep "INBOX";
