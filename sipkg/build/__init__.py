"""The build wing: source documents -> extraction -> curation -> RDF -> reasoning -> validation -> a store.

`stages.build()` runs the whole pipeline and publishes a store; `stages.assemble()` is the same list of
stage calls without writing anything (`evaluate` reuses it). `extract/` is pure: no I/O, no store.
"""
