# message: mixed.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is "to" "bob" { fileinto "yes"; } else { fileinto "no"; }
