# message: raw8bit.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :matches "x-absent" "*" { fileinto "yes"; }
