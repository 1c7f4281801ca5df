# message: list.eml
require ["variables", "fileinto"];
if header :matches "list-id" "*<*.*>" {
  fileinto "${2}|${3}|${0}";
}
