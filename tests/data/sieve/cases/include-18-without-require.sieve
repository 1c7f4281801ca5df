# message: plain.eml
include "inc-lists";
