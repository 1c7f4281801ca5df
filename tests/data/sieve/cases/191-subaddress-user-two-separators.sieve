# message: subaddress.eml
require ["fileinto", "envelope", "subaddress"];
if address :user :is "cc" "eve" { fileinto "yes"; }
