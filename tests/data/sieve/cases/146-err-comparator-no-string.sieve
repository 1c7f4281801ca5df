# message: plain.eml
if header :comparator :is "a" "b" { keep; }
