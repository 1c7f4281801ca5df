# message: mixed.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is "to" "carol@example.com" { fileinto "yes"; }
