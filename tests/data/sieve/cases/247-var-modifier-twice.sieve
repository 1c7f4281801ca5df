# message: plain.eml
require ["variables"];

set :length :length "a" "x";
