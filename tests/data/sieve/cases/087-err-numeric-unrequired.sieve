# message: plain.eml
if header :is :comparator "i;ascii-numeric" "x" "1" { keep; }
