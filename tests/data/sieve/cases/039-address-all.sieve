# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :all :is "from" "dave.smith@work.example.com" { fileinto "yes"; }
