# message: list.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :matches "subject" "Weekly*" { fileinto "yes"; }
