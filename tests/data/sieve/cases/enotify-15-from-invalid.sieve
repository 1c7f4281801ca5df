# message: plain.eml
require "enotify";
notify :from "bad" "mailto:carol@example.com";
