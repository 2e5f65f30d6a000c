"""Loading: files and tables of briefings in, one validated briefing table and a load report out.

Enters: paths (text, CSV/TSV, JSON/JSONL, Parquet, zip uploads) and manifests. Leaves: the
briefings table, the load report (every file and row: loaded, duplicate or skipped, and why)
and the duplicate-detection keys.
"""
