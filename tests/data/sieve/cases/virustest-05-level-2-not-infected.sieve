# message: plain.eml
# virus-level: 2
require ["virustest", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
if virustest :value "ge" :comparator "i;ascii-numeric" "4" { fileinto "x"; } else { fileinto "kept"; }
