# message: plain.eml
# extensions: +vacation-seconds
require "vacation-seconds";
vacation :seconds 7200 "two hours, raised to the one-day minimum";
