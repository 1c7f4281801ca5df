# message: subaddress.eml
require ["fileinto", "envelope", "subaddress"];
if address :detail :matches "to" "x*" { fileinto "yes"; } elsif address :detail :is "from" "news" { fileinto "from"; }
