# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :domain :is :comparator "i;octet" "from" "work.example.com" { fileinto "yes"; }
