# message: plain.eml
require ["ihave", "fileinto"];
if ihave "x-no-such" { x_no_such "bar" :baz; } else { fileinto "no-x"; }
