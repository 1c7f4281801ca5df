# message: plain.eml
require ["ihave", "fileinto"];
if not ihave "x-no-such" { x_no_such; }
