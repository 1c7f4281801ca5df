# message: plain.eml
require ["imap4flags", "relational", "comparator-i;ascii-numeric"];
addflag "a b c";
if hasflag :count "eq" :comparator "i;ascii-numeric" "3" { addflag "three"; }
