# message: list.eml
require ["include"];
include "inc-lists";
