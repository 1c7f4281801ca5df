# message: plain.eml
# virus-level: 4
require ["virustest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if virustest :value "eq" :comparator "i;ascii-numeric" "4" { fileinto "four"; }
