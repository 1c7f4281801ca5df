# message: plain.eml
require ["reject", "copy", "fileinto"];
fileinto :copy "x";
reject "b";
