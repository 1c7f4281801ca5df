# message: subaddress.eml
require ["fileinto", "envelope", "subaddress"];
if address :detail :is "cc" "a+b" { fileinto "first"; } elsif address :detail :is "cc" "b" { fileinto "last"; }
