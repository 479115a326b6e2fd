"""Batch runs over a corpus folder: settings file, discovery, executors (see run.py).

Nothing is imported here eagerly: `qa-pipeline --help` and the `baseline` / `cache` commands
must stay quick.
"""
