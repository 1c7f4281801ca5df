# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is "to" "bob@example.com" { fileinto "yes"; }
