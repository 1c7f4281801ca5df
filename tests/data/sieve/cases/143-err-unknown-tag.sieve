# message: plain.eml
if header :regex "subject" "x" { keep; }
