# message: plain.eml
require ["include"];
include :global "inc-global-junk";
