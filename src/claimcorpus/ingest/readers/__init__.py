"""Readers: plain text, HTML pages, WARC crawls and JSONL / Parquet manifests.

Each reader is a generator over one input file yielding ``Article`` or ``BadRecord``
(record.py); ``paths.expand`` and ``ingest.run.read_input`` pick the reader by file name
(folders are walked recursively). A crawl file (WARC, manifest) yields a ``BadRecord`` for each record it
cannot use and goes on; a file that is one article (text, HTML) raises ``InputError``.
"""
