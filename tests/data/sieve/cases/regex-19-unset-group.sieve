# message: plain.eml
require ["regex", "fileinto", "variables"];
if header :regex "subject" "(x)|(meet)" { fileinto "g1-${1}-g2-${2}"; }
