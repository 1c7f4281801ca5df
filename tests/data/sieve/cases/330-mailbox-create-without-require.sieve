# message: plain.eml
require "fileinto";
fileinto :create "New";
