"""A SPARQL query worker of ``kg serve`` (see ``kg.serve.pool``)."""
import sys

from kg.serve.pool import worker_main

if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1:]))
