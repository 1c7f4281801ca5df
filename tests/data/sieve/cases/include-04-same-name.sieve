# message: plain.eml
require ["include"];
include :global "inc-where";
include "inc-where";
