"""Opinion maps: Pol.is-style analysis of an agree/disagree/pass matrix.

`facilitator.opinion.math.analyse` turns a participants × statements matrix into
groups, representative statements, consensus, divisive statements and 2-D
points (pure numpy, no Flask, no database); `facilitator.opinion.polis_data`
reads Pol.is open-data exports. `services` reads a prompt's reactions from the
database into that matrix, and `cli` is `facilitator analyze`.
See docs/opinion.md for the method and its Pol.is sources.
"""
