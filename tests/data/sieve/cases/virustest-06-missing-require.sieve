# message: plain.eml
require "fileinto";
if virustest "5" { fileinto "x"; }
