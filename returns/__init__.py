"""SSDA903, CIN census, Annex A, uploads and data quality."""
