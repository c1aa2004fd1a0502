"""Readers and writers of file formats: seed articles, plain text, brat, JSONL (Prodigy, doccano), schemas."""
