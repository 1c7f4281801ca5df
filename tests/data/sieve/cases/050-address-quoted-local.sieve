# message: groups.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :localpart :is "from" "quoted local" { fileinto "yes"; }
