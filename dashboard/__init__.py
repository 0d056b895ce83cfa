"""The dashboard: a cached query layer over the processed store, filters, figures and exports.

Pages import from here and stay thin; nothing in this package extracts anything from text.
"""
