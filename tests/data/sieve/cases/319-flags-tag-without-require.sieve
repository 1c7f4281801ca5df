# message: plain.eml
require "fileinto";
fileinto :flags "a" "f";
