# message: plain.eml
require ["duplicate"];
if duplicate :seconds "10" { discard; }
