# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :contains "from" "Dave Smith" { fileinto "yes"; }
