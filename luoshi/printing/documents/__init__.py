"""One module per printable document: ``build(obj) -> Document``."""
