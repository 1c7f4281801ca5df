# message: plain.eml
# hash comment
require /* inline */ "fileinto";
fileinto text: # folder name
Work
.
;
