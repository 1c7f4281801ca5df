# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is "from" "second@example.org" { fileinto "yes"; }
