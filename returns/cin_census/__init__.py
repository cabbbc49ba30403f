"""The CIN census (DfE schema, 2017-18 on): read it in, write its child protection parts out.

`reader` turns a file into plain values and refuses anything Oversight cannot load;
`importer` merges those values into the enquiries, plans and conferences (a later
collection year wins, so years load in any order); `exporter` writes a year back.
"""
