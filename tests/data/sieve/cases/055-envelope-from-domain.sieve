# message: plain.eml
# from: dave@work.example.com
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if envelope :domain :is "from" "WORK.example.com" { fileinto "yes"; }
