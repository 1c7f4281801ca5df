# message: plain.eml
require "fileinto";
if ihave "fileinto" { fileinto "x"; }
