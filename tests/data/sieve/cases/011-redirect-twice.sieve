# message: plain.eml
redirect "a@example.com";
redirect "a@example.com";
