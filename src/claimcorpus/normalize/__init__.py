"""Pure text normalization: raw bytes -> text + offset map, boilerplate, sentences, alignment."""
