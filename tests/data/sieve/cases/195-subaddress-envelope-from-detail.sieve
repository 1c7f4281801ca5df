# message: subaddress.eml
require ["fileinto", "envelope", "subaddress"];
if envelope :detail :is "from" "" { fileinto "yes"; } else { fileinto "no"; }
