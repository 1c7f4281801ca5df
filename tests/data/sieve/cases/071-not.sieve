# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if not exists "list-id" { fileinto "personal"; }
