# Included: return ends this script only (RFC 6609 §3.4).
require ["fileinto", "include"];
fileinto "Before";
return;
fileinto "After";
