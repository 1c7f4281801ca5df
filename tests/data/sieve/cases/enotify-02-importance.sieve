# message: plain.eml
require "enotify";
notify :importance "1" "mailto:carol@example.com";
