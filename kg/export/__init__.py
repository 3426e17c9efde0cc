"""Export, the fifth stage: the knowledge base and its graph -> the files of a build.

- ``facts``: one page's entities and relations as JSON in the scoring format (``facts/<page>.json``);
- ``rdf``: the knowledge base in standard vocabularies (Turtle, N-Triples, TriG, N-Quads, JSON-LD),
  a named graph per page, with the IRIs it mints;
- ``html``: ``graph.html``, an interactive page that works offline (select, lay out, render;
  ``html_template.html`` and ``vendor/`` are its template and drawing library);
- ``files``: ``write_atomic``, the one writer of every text file a build writes.

Previous stages: ``kg.resolve`` (facts and RDF are made from its knowledge base) and ``kg.build``
(the HTML from its graph); next: ``kg.store`` (the RDF loaded into a store). The output
folder those files go into is ``kg.pipeline.outdir``'s. This package's ``__init__`` imports
nothing, so that a command needing one module (``kg view`` the HTML) loads no other.
"""

__all__ = ["facts", "rdf", "html", "files"]
