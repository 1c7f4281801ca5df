# message: plain.eml
require ["variables", "fileinto"];
set :length :quotewildcard "a" "**";
fileinto "n${a}";
