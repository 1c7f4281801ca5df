# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is :comparator "i;ascii-numeric" "x-priority" "3" { fileinto "yes"; }
