# message: plain.eml
require ["mailbox", "fileinto"];
fileinto :create "New";
