# message: plain.eml
require ["ihave", "fileinto"];
if allof(ihave "x-no-such", true) { x_no_such; } else { fileinto "allof-false"; }
