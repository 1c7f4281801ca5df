# message: plain.eml
if address "subject" "x" { keep; }
