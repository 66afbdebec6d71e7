"""xcert certification checks."""
