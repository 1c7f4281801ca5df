# message: plain.eml
require ["fileinto", "encoded-character"];
fileinto "Wo${hex:72 6B}";
