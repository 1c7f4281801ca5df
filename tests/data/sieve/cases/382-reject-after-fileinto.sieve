# message: plain.eml
require ["reject", "fileinto"];
fileinto "a";
reject "no";
