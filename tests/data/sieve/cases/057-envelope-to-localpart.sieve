# message: list.eml
# to: bob+lists@example.net
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if envelope :localpart :matches "to" "bob+*" { fileinto "Lists"; }
