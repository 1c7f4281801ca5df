# message: groups.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is "resent-from" "resender@example.org" { fileinto "yes"; }
