# Included as :global; a personal script has the same name.
require ["fileinto"];
fileinto "Global";
