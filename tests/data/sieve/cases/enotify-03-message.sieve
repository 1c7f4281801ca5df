# message: plain.eml
require "enotify";
notify :message "New mail" "mailto:carol@example.com";
