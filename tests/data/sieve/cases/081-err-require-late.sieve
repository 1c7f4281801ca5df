# message: plain.eml
keep;
require "fileinto";
