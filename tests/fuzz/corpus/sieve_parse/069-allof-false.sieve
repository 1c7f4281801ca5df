# message: list.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if allof (exists "list-id", false) { fileinto "yes"; }
