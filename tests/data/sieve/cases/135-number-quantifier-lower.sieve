# message: big.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if size :over 4k { fileinto "big"; }
