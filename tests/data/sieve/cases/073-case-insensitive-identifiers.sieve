# message: plain.eml
REQUIRE "fileinto";
IF HEADER :CONTAINS "SUBJECT" "meeting" { FILEINTO "Work"; }
