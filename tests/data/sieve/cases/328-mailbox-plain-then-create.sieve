# message: plain.eml
require ["mailbox", "fileinto"];
fileinto "New";
fileinto :create "New";
