"""sipkg — the Suzhou Industrial Park (苏州工业园区) knowledge graph."""

__version__ = "0.1.0"
