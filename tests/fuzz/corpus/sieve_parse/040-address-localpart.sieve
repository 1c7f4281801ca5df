# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :localpart :is "from" "Dave.Smith" { fileinto "yes"; }
