# message: plain.eml
require "vacation";
vacation :days 3 :subject "Away" :from "bob@example.net" "I am away";
