# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :localpart :is "from" "a@b" { fileinto "yes"; } elsif address :all :contains "from" "a@b" { fileinto "all"; }
