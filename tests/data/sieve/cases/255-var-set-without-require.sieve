# message: plain.eml
keep;
set "a" "b";
