# message: plain.eml
require "fileinto";
if environment :contains "location" "" { fileinto "x"; }
