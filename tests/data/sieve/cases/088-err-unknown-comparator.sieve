# message: plain.eml
if header :is :comparator "i;frob" "x" "1" { keep; }
