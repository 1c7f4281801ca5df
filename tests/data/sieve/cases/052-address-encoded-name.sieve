# message: encoded.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is "from" "renee@example.de" { fileinto "yes"; }
