# message: plain.eml
require ["ihave", "fileinto"];
if ihave ["fileinto", "x-no-such"] { x_no_such; } else { fileinto "one-missing"; }
