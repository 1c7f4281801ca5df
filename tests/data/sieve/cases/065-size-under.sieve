# message: big.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if size :under 4K { fileinto "Small"; }
