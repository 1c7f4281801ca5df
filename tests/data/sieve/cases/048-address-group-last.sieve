# message: groups.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is "to" "hal@example.com" { fileinto "yes"; }
