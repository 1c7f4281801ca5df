# message: list.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if envelope :all :is "TO" "BOB+LISTS@EXAMPLE.NET" { fileinto "yes"; }
