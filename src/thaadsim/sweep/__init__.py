"""Sweeps: run a scenario over grids of its numbers, in chunks, on local cores or a Dask cluster.

This layer sits beside ``analysis``: it knows how to cut work into chunks and where to run them
(:mod:`thaadsim.sweep.executors`), not how a single plan is computed.
"""
