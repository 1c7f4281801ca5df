# message: encoded.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is "x-comment" "été plain" { fileinto "yes"; }
