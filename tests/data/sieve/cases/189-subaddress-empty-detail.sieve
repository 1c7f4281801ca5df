# message: subaddress.eml
require ["fileinto", "envelope", "subaddress"];
if address :detail :is "to" "" { fileinto "empty"; }
