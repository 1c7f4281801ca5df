# message: encoded.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is "subject" "Café order confirmed €12" { fileinto "yes"; }
