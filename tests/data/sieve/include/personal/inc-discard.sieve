# Included: discard.
discard;
