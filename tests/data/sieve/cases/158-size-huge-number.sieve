# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if size :under 4294967296 { fileinto "yes"; }
