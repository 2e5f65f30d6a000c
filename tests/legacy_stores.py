"""Stores of the older formats (Parquet parts), made as those versions wrote them.

Format 2: ``gen-NNNNNN/meta.json`` lists per table the parts in ``parts/`` with rows,
bytes and SHA-256; format 1: one ``gen-NNNNNN/<table>.parquet`` per table with rows and
bytes. Tests use them to prove older stores still open and migrate without a change.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from analytics.pipeline import STORED_TABLES, Store


def _entry(path: Path) -> dict[str, object]:
    data = path.read_bytes()
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def write_legacy_store(source: Store, folder: Path, *, store_format: int = 2) -> Path:
    """Write every table and the topic model of ``source`` as a store of ``store_format``."""
    generation = folder / "gen-000001"
    (generation / "topic_model").mkdir(parents=True)
    (folder / "parts").mkdir()
    tables: dict[str, object] = {}
    for name in STORED_TABLES:
        frame = source.table(name)
        if store_format == 1:
            path = generation / f"{name}.parquet"
            frame.to_parquet(path, index=False)
            tables[name] = {"rows": len(frame), "bytes": path.stat().st_size}
        else:
            file = f"parts/{name}-000001.parquet"
            frame.to_parquet(folder / file, index=False)
            tables[name] = {
                "rows": len(frame),
                "parts": [{"file": file, "rows": len(frame), **_entry(folder / file)}],
            }
    model_files = {}
    for path in sorted((source.generation / "topic_model").iterdir()):
        shutil.copy(path, generation / "topic_model" / path.name)
        model_files[f"topic_model/{path.name}"] = _entry(path)
    meta = {
        key: value for key, value in source.meta.items() if key not in ("tables", "model_files")
    }
    meta.pop("ingest", None)
    meta.update(format=store_format, tables=tables)
    if store_format == 2:
        meta["model_files"] = model_files
    (generation / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    (folder / "CURRENT").write_text("gen-000001", encoding="utf-8")
    (folder / "ATLAS-STORE").write_text("marker\n", encoding="utf-8")
    return folder
