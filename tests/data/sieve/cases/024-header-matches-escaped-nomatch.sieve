# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :matches "x-mailer" "Test\\*Mailer\\?v2" { fileinto "yes"; }
