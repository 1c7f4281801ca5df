# message: plain.eml
require "vacation";
if header :contains "subject" "meeting" {
  vacation :subject "Re: meeting" "Out today.";
}
