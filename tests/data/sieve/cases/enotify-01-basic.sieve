# message: plain.eml
require "enotify";
notify "mailto:carol@example.com";
