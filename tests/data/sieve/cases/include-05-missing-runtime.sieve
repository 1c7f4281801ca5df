# message: plain.eml
# RFC 6609 §3.2: a missing script without :optional is an error.
require ["include", "fileinto"];
fileinto "Before";
include "no-such-script";
