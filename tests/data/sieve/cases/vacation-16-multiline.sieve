# message: plain.eml
require "vacation";
vacation text:
I am away.
Back on Monday.
.
;
