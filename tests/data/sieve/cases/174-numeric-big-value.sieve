# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is :comparator "i;ascii-numeric" "x-long" "4294967296" { fileinto "yes"; }
