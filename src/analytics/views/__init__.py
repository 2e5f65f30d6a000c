"""Presentation: artefacts and the user's filters in, the tables and figures each page shows out.

Enters: Artefacts and Filters. Leaves: filtered tables, plotly figures and formula-safe CSV.
"""
