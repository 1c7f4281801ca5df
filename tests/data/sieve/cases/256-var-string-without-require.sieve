# message: plain.eml
if string "a" "a" { discard; }
