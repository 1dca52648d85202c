"""Fuzzing of the parsers that read what comes from outside (docs/development.md)."""
