# message: encoded.eml
require ["fileinto", "encoded-character"];
if header :contains "subject" "Caf${unicode:e9}" { fileinto "yes"; }
