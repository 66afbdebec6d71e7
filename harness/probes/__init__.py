"""What we ask a host, and how its answers are read: pure parsers over text, no transport."""
