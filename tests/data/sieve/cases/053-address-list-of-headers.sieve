# message: list.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is ["to", "cc"] "bob@example.net" { fileinto "yes"; }
