"""Signed evidence bundles: Ed25519 keys, a manifest of every file's SHA-256, redaction, offline verification."""
