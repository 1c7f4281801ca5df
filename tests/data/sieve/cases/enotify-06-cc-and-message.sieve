# message: plain.eml
require "enotify";
notify :message "msg" "mailto:carol@example.com?cc=dave@example.com&subject=S";
