"""Bundled illustrative sample panels (generated, NOT official statistics).

The CSV files here are written by :mod:`jjj_xl.data.generate_samples`;
load them with :func:`jjj_xl.datasets.load_sample`. See README.md.
"""
