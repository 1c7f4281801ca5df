# Included as :personal; a global script has the same name.
require ["fileinto"];
fileinto "Personal";
