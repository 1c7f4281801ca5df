# message: plain.eml
require ["variables", "fileinto"];
set "a" "${unicode:41}";
fileinto "${a}";
