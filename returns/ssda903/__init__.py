"""The SSDA903 children looked after return: read it, load it, write it back.

`tables` (DfE's columns), `reading` (files to checked rows), `importer` (rows to
Oversight's records), `exporter` (records to a year's CSVs), `synthetic` (a generated
return for benchmarks). The commands are `import_ssda903`, `export_ssda903` and
`bench_import`; docs/adr/0006 explains the design.
"""
