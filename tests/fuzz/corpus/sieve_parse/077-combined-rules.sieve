# message: list.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :domain :is "from" "example.org" { fileinto :copy "Friends"; }
if exists "list-id" { fileinto "Lists"; stop; }
redirect "never@example.com";
