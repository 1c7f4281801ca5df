# message: list.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if exists "list-id" { fileinto "Lists"; }
