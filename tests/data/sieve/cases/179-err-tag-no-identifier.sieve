# message: plain.eml
if header : "a" "b" { keep; }
