# message: editheader-dups.eml
addheader "X-A" "b";
