# message: plain.eml
# from: dave@work.example.com
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if envelope :is "from" "dave@work.example.com" { fileinto "yes"; }
