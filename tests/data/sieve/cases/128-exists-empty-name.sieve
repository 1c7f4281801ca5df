# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if exists "" { fileinto "yes"; } else { fileinto "no"; }
