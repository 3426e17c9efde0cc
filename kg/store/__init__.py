"""Store, the last stage: the RDF export -> a queryable store, checked, queried and sent on.

- ``database``: the build's on-disk Oxigraph store (``exports/store``), loaded from the
  export or patched with its difference, swapped in whole;
- ``shacl``: the SHACL shapes (``kg/knowledge/shapes.ttl``) checked as SPARQL on that store;
- ``sparql``: ``kg query``, SPARQL over the store or the export files;
- ``push``: ``kg push``, the named graphs sent to a SPARQL Graph Store Protocol endpoint;
- ``knowledge``: the knowledge base read back from a build's store (``kg export --format json|html``).

Previous stage: ``kg.export``. ``kg serve`` (``kg.serve``) serves the store. This package's
``__init__`` imports nothing: each command loads only what it uses.
"""

__all__ = ["database", "shacl", "sparql", "push", "knowledge"]
