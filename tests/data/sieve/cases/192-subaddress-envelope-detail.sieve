# message: subaddress.eml
# to: bob+lists@example.net
require ["fileinto", "envelope", "subaddress"];
if envelope :detail :is "to" "lists" { fileinto "Lists"; }
