# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :domain :is :comparator "i;octet" "to" "Sub.Example.COM" { fileinto "exact"; }
