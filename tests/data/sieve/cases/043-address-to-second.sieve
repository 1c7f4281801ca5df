# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is "to" "eve@example.net" { fileinto "yes"; }
