# message: subaddress.eml
require ["fileinto", "envelope", "subaddress"];
if address :user :is "to" "bob" { fileinto "yes"; }
