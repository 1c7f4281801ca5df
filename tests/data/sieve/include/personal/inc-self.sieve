# Included: includes itself, a loop (RFC 6609 §3.2).
require "include";
include "inc-self";
