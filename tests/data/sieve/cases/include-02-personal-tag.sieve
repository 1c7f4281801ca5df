# message: list.eml
require ["include"];
include :personal "inc-lists";
