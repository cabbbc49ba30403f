"""The SSDA903 children looked after return: read it, load it, write it back.

`tables` (DfE's columns), `reading` (files to checked rows), `importer` (rows to
Oversight's records), `exporter` (records to a year's CSVs). The commands are
`import_ssda903` and `export_ssda903` (and demo's `bench_import`, which writes a return
from the synthetic council with the exporter); docs/adr/0006 explains the design.
"""
