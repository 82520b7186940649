"""Compatibility module: CSV and formula neutralising now live in ``analysis.export.tables``."""
from analysis.export.tables import neutralise_formulas, neutralise_value, to_csv_bytes

__all__ = ["neutralise_formulas", "neutralise_value", "to_csv_bytes"]
