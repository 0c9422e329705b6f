"""maakbaar: an open-source production office for small metalworking job shops."""

__version__ = "0.1.0"
