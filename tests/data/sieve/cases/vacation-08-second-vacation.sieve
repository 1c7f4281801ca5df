# message: plain.eml
# RFC 5230 §4.7: one vacation per run; a second is a run-time error.
require "vacation";
vacation "a";
vacation "b";
