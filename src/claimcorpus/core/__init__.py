"""The ground floor: file I/O, problems with stable ids, the scheme, layers."""
