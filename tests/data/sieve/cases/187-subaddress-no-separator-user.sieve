# message: subaddress.eml
require ["fileinto", "envelope", "subaddress"];
if address :user :is "to" "carol" { fileinto "yes"; }
