"""Facts of a host: gathered live in one round trip, or read from a snapshot."""
