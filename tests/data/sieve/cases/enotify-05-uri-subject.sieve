# message: plain.eml
require "enotify";
notify "mailto:carol@example.com?subject=Hello%20there&body=B";
