# Included: stop ends every script (RFC 6609 §3.2).
stop;
