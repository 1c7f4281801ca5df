# message: raw8bit.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :all :matches "cc" "*" { fileinto "yes"; }
