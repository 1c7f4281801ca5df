# message: plain.eml
require "fileinto";
if duplicate { fileinto "D"; }
