# message: plain.eml
# from: dave@work.example.com
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if envelope :contains ["from", "to"] "bob" { fileinto "yes"; }
