# message: mixed.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is "cc" "friends: dan@example.com;" { fileinto "yes"; } else { fileinto "no"; }
