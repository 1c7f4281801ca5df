# message: plain.eml
require ["body", "fileinto"];
if body :is "Can we meet at 10?" { fileinto "is"; } elsif body :matches "Can we meet at 10??*" { fileinto "more"; }
