# message: plain.eml
require ["include"];
include :personal :global "inc-lists";
