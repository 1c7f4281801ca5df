# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :domain :is "to" "sub.example.com" { fileinto "yes"; }
