"""Workbook packages: reading and writing them, the layout contract, what the buttons do,
the templates and share workbooks. Knows openpyxl and the package format; never Excel itself."""
