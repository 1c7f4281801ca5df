# message: plain.eml
require ["fileinto", "encoded-character"];
fileinto text:
${hex:41}
.
;
