# message: plain.eml
require "fileinto";
require ["fileinto", "copy"];
fileinto :copy "A";
