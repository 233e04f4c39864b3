"""One module per source family; each exposes PARSER_ID and parse(content, url, declared_charset)."""
