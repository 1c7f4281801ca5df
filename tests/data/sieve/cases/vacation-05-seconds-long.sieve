# message: plain.eml
# extensions: +vacation-seconds
require ["vacation", "vacation-seconds"];
vacation :seconds 172800 :handle "two-days" "r";
