# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if not not true { fileinto "yes"; }
