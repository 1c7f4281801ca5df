# message: plain.eml
# from: Dave@work.example.com
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if envelope :is :comparator "i;octet" "from" "dave@work.example.com" { fileinto "yes"; } else { fileinto "no"; }
