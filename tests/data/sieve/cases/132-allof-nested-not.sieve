# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if allof (not exists "list-id", not header :contains "subject" "xyz") { fileinto "yes"; }
