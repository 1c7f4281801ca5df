# message: plain.eml
if address :detail "to" "x" { keep; }
