# message: plain.eml
require "enotify";
notify "mailto:carol@example.com";
notify "mailto:carol@example.com";
