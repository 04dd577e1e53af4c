"""Opinion maps: Pol.is-style analysis of an agree/disagree/pass matrix (pure numpy, no Flask, no database).

`facilitator.opinion.math.analyse` turns a participants × statements matrix into
groups, representative statements, consensus, divisive statements and 2-D
points; `facilitator.opinion.polis_data` reads Pol.is open-data exports.
See docs/opinion.md for the method and its Pol.is sources.
"""
