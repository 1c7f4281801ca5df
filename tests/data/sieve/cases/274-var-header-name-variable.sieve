# message: plain.eml
require ["variables", "fileinto"];
set "h" "X-Priority";
if header :is "${h}" "1" { fileinto "yes"; }
