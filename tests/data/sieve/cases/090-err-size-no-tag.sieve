# message: plain.eml
if size 10 { keep; }
