# message: subaddress.eml
require ["fileinto", "envelope", "subaddress"];
if address :detail :is "to" "lists" { fileinto "yes"; }
