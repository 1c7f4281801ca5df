# message: plain.eml
require ["fileinto", "encoded-character"];
fileinto "${HEX:41}${Unicode:42}";
