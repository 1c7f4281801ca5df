# message: plain.eml
require ["variables", "fileinto", "encoded-character"];
set "a" "${unicode:41}${hex:42}";
fileinto "${a}";
