# message: encoded.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains "to" "Jörg" { fileinto "yes"; }
