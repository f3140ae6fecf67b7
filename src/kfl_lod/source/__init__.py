"""Read and check the source tables; the only package that knows the column headers.

``read_source(path)`` takes a folder of CSV files or one XLSX/ODS workbook and returns
:class:`~kfl_lod.records.Records`, or raises :class:`~kfl_lod.errors.SourceError` listing
every problem at once, each with file (and sheet), row as the clerk sees it, column, value
and what is expected, in Polish and English.

- ``tables``: the tables and their columns, each declared once (header, field, cell, references);
- ``cells``: cell parsers and what a column's cells hold (datatype, shape, bounds);
- ``files``: CSV files and workbook sheets read into grids of text;
- ``checks``: columns, cells, unique ids, references;
- ``problems``: the problem catalogue, code -> English and Polish message;
- ``reader``: ``read_source``, the one entry point.
"""

from .reader import read_source
from .tables import KINDS, TABLES, Column, Table, headers

__all__ = ["KINDS", "TABLES", "Column", "Table", "headers", "read_source"]
