# message: plain.eml
require ["fileinto", "encoded-character"];
fileinto "$${hex:24 24}";
