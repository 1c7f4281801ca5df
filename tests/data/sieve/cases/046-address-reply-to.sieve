# message: plain.eml
require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric"];
if address :is "reply-to" "replies@work.example.com" { fileinto "yes"; }
