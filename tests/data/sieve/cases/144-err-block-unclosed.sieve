# message: plain.eml
if true {
  keep;
