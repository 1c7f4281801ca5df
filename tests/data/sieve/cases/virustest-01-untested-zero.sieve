# message: plain.eml
require ["virustest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if virustest :is "0" { fileinto "untested"; }
