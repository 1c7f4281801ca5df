# message: plain.eml
if header ["a", "b" "c" { keep; }
