"""Defaults and choices that the command line shows in its help.

They live here, in a module that imports nothing, so that ``kg --help`` (and the help of every
subcommand) loads none of the modules that use them: ``kg.ingest`` compiles its patterns on import,
``kg.export.rdf`` loads numpy and pyoxigraph. Those modules import the values from here.
"""
from __future__ import annotations

DEFAULT_MAX_BYTES = 8 * 1024 * 1024  # a newspaper page is some 20 KB; anything this big is not one
ERRORS = ("strict", "replace")  # --errors: refuse text that does not decode, or replace what does not
DEFAULT_BASE = "https://w3id.org/unionkg/id/"  # the base of every minted IRI
RDF_FORMATS = ("jsonld", "nq", "nt", "trig", "ttl", "xml")  # kg.export.rdf.FORMATS, by name
# --license: the licence the dataset description states for the graph (an IRI); the sentences it
# quotes stay under their publishers' terms, which the description says too (README, "Licence")
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
# --export of kg build: the whole-graph files it can write, each as graph.<name> (kg.pipeline.run)
WHOLE_GRAPH_FILES = ("ttl", "nt", "trig", "nq", "jsonld", "json", "html")
