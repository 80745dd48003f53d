"""The SPARQL endpoint stack: the Oxigraph engine, the guarding gateway, and their plumbing.

:mod:`msbackpain.serve.server` starts a read-only engine over a graph;
:mod:`msbackpain.serve.gateway` is the thin guard in front of it that ``msbackpain serve``
runs. Importing this package imports nothing else: the gateway needs the ``server`` extra.
"""
