"""The pipeline and the store: inputs in, every artefact computed and kept on disk out.

Enters: corpus paths (or a briefing table). Leaves: Artefacts in memory and a store of
atomic, checksummed generations that later runs add to.
"""
