# message: list.eml
# to: bob+lists@example.net
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if envelope :domain :matches "to" "*.net" { fileinto "yes"; }
