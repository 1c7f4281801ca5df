# message: plain.eml
require "vacation";
vacation :addresses ["bob@example.com", "robert@example.net"] "r";
