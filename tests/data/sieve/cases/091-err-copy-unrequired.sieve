# message: plain.eml
redirect :copy "a@example.com";
