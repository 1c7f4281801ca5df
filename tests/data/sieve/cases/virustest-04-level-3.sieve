# message: plain.eml
# virus-level: 3
require ["virustest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if virustest :matches "*" { fileinto "level-${1}"; }
