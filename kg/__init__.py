"""unionkg: a knowledge-graph builder for Chinese trade-union news."""

__version__ = "0.1.0"
