# message: plain.eml
require ["duplicate", "fileinto"];
if anyof (duplicate :handle "a", header :contains "subject" "meeting") { fileinto "Either"; }
