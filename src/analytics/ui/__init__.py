"""The dashboard's Streamlit glue: the only package that imports Streamlit.

- ``cache``: load the unfiltered artefacts once per corpus fingerprint (or from an upload).
- ``state``: the shared sidebar filters, bound to the URL, and the current view.
- ``components``: charts, downloads, tables and safe highlighted text.

Pages and the entrypoint use these three modules by name (``from analytics.ui import cache``).
"""

from analytics.ui import cache, components, state

__all__ = ["cache", "components", "state"]
