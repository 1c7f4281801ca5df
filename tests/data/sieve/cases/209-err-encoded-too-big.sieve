# message: plain.eml
require ["fileinto", "encoded-character"];
if header :is "subject" "${unicode:110000}" { keep; }
