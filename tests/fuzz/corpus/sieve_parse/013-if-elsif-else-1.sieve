# message: list.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains "subject" "[list]" { fileinto "Lists"; }
elsif true { fileinto "Other"; }
else { discard; }
