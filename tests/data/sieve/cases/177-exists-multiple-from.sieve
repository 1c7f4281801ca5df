# message: tricky.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if exists "from" { fileinto "yes"; }
