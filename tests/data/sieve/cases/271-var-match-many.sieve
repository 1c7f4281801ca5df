# message: plain.eml
require ["variables", "fileinto"];
if header :matches "subject" "*?*?*?*?*?*?*?*?*?*?*?*" { fileinto "${9}-${10}-${11}-${12}-${0009}"; }
