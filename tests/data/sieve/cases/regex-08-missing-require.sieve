# message: plain.eml
require "fileinto";
if header :regex "subject" "x" { fileinto "x"; }
