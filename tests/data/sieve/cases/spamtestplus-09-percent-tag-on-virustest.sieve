# message: plain.eml
require ["spamtestplus", "virustest"];
if virustest :percent "5" { keep; }
