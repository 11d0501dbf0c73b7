"""Reports over a corpus or a release: validate, stats, the HTML viewer."""
