# message: plain.eml
require "vacation";
vacation :subject "Réponse automatique — absent" :from "Bob Été <bob@example.net>" "Je suis absent, réponse lundi.";
