# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if anyof (exists "list-id", header :contains "subject" "meeting") { fileinto "yes"; }
