# message: raw8bit.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :all :is "from" "zoe@example.com" { fileinto "yes"; }
