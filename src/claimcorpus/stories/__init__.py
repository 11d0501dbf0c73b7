"""Story grouping: MinHash signatures, LSH banding and components (pure NumPy)."""
