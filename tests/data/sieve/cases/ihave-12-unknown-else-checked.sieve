# message: plain.eml
require ["ihave", "fileinto"];
if ihave "x-no-such" { keep; } else { x_no_such; }
