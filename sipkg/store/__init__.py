"""The store wing: builds on disk, dumps, the query service and its backends (embedded or remote).

`query` holds what every part needs (the error types, QueryResult, run_query) and imports nothing
else of sipkg; nothing here imports the build or the web wing.
"""
