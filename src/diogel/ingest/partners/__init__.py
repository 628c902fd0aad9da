"""Partner data: declared mappings, CSV/XLSX reading, pseudonyms, place matching, synthetic ISTV."""
