# message: plain.eml
# RFC 5230 §4.1 lets the site set a minimum: both raise :days 0 to one day.
require "vacation";
vacation :days 0 "short";
