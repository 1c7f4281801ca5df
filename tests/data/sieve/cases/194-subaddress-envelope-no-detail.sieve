# message: subaddress.eml
# to: bob@example.net
require ["fileinto", "envelope", "subaddress"];
if envelope :detail :matches "to" "*" { fileinto "any"; } else { fileinto "none"; }
