# Included by include-* cases (RFC 6609).
require ["fileinto"];
if header :contains "subject" "[list]" {
  fileinto "Lists";
}
