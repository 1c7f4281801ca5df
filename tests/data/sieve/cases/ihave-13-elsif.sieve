# message: plain.eml
require ["ihave", "fileinto"];
if ihave "x-no-such" { x_no_such; } elsif ihave "copy" { fileinto :copy "second"; }
