# message: subaddress.eml
# to: bob+lists@example.net
require ["fileinto", "envelope", "subaddress"];
if envelope :user :is "to" "BOB" { fileinto "yes"; }
