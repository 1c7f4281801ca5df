# message: plain.eml
require ["fileinto", "encoded-character"];
fileinto "${unicode:DC00}";
