# message: mixed.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is "cc" "dan@example.com" { fileinto "yes"; }
