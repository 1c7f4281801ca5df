# message: list.eml
# to: bob+lists@example.net
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if envelope :is "to" "bob+lists@example.net" { fileinto "yes"; }
