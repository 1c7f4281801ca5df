# Included as :global.
require ["fileinto"];
fileinto "GlobalJunk";
