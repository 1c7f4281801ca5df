# message: plain.eml
require "enotify";
notify :from "Me <me@example.com>" :importance "3" "mailto:carol@example.com";
