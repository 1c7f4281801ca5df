# Included: appends "x" to the global "n" each time it runs.
require ["include", "variables"];
global "n";
set "n" "${n}x";
