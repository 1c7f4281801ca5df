# message: plain.eml
require ["reject", "fileinto"];
if header :contains "subject" "meeting" { reject "busy"; stop; }
fileinto "other";
