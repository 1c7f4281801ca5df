# message: editheader-dups.eml
require ["editheader", "fileinto"];
deleteheader "Subject";
if not exists "subject" { fileinto "NoSubject"; }
