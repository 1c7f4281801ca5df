# message: plain.eml
# virus-level: 1
require ["virustest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if virustest :is "1" { fileinto "clean"; }
