# message: plain.eml
require ["fileinto", "encoded-character"];
if exists "${hex:53}ubject" { fileinto "yes"; }
