# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is "cc" "eve@example.com" { fileinto "yes"; }
