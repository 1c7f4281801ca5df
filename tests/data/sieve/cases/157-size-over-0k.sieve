# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if size :over 0K { fileinto "yes"; }
