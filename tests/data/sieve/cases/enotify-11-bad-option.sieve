# message: plain.eml
require "enotify";
notify :options ["a"] "mailto:carol@example.com";
