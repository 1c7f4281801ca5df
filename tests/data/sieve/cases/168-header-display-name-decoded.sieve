# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if header :contains "cc" "Eve é" { fileinto "yes"; }
