# message: plain.eml
require "enotify";
notify :options ["k=v", "x-y.z=1"] "mailto:carol@example.com";
