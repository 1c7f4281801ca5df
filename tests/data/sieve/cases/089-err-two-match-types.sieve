# message: plain.eml
if header :is :contains "x" "1" { keep; }
