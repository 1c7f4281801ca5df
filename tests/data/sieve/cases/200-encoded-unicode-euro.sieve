# message: encoded.eml
require ["fileinto", "encoded-character"];
if header :contains "subject" "${unicode:20AC}12" { fileinto "yes"; }
