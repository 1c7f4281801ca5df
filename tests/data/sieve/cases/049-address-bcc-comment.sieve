# message: groups.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :domain :is "bcc" "example.com" { fileinto "yes"; }
