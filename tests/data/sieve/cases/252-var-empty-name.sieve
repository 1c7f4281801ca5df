# message: plain.eml
require ["variables"];
set "" "x";
