# message: raw8bit.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is :comparator "i;ascii-numeric" "x-numbers" "7" { fileinto "yes"; }
