"""Synthetic corpora for benchmarks: a seed and a size in, briefings with planted structure out.

Enters: size, seed, dates, planted spikes and topics. Leaves: JSONL/Parquet briefings and the
planted truth (``python -m analytics.synth``).
"""
