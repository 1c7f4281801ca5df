# message: plain.eml
require ["variables"];
set "who" "carol";
redirect "${who}@example.com";
