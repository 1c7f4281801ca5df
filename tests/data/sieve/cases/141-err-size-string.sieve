# message: plain.eml
if size :over "1K" { keep; }
