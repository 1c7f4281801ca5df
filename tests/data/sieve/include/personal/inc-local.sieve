# Included: "who" is not declared global here, so it is this script's own.
require ["variables", "fileinto"];
fileinto "local-${who}";
