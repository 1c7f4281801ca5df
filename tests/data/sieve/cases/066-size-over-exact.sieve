# message: big.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if size :over 4590 { fileinto "Over"; } elsif size :under 4590 { fileinto "Under"; } else { fileinto "Exact"; }
