# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :is :comparator "i;ascii-numeric" "x-spam-score" "12" { fileinto "yes"; }
