# message: plain.eml
require ["variables", "fileinto", "comparator-i;ascii-numeric", "relational"];
set "n" "12";
if string :value "gt" :comparator "i;ascii-numeric" "${n}" "9" { fileinto "bigger"; }
