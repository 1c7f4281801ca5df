# message: plain.eml
require "fileinto";
if spamtest "5" { fileinto "x"; }
