# message: groups.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is "to" "gina@example.com" { fileinto "yes"; }
