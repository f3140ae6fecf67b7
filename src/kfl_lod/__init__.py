"""kfl-lod: linked open data for the spaces Kraków's municipal cultural institutions offer to NGOs."""

__version__ = "0.1.0"
