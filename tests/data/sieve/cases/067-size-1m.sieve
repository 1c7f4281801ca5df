# message: big.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if size :under 1M { fileinto "Small"; }
