# message: plain.eml
notify "mailto:carol@example.com";
