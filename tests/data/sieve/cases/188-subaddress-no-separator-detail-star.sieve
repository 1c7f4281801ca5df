# message: subaddress.eml
require ["fileinto", "envelope", "subaddress"];
if address :detail :matches "to" "*" { fileinto "any"; }
