# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :matches "subject" "*?*?*" { fileinto "yes"; }
