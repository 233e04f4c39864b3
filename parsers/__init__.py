"""changai parsers: decoding, normalisation, per-source page parsers and indicator extraction."""
