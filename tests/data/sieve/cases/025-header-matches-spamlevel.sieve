# message: list.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :matches "x-spam-level" "\\*\\*" { fileinto "Junk"; }
