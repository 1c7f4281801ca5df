# message: index-multi.eml
require "fileinto";
if header :index 1 "x-tag" "first" { fileinto "x"; }
