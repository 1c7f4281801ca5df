# Included: includes inc-lists in turn.
require ["include"];
include "inc-lists";
