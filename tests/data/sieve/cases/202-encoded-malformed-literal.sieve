# message: plain.eml
require ["fileinto", "encoded-character"];
fileinto "${hex:zz}";
