"""N-way consistency: one source (or none) and several translations of one document.

`table` turns pairwise alignments into one table (a row per source sentence run, a cell per
translation), `score` measures each cell against the source and against the other
translations, `attribute` decides which translation drifted, `pipeline` wires them.
"""
