"""Fuzzing the web app: a table of targets, how a request is built from choices, and what every answer must satisfy."""
