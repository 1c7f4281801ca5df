# message: plain.eml
require "enotify";
notify "xmpp:carol@example.com";
