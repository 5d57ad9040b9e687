"""Excel surfaces: xlwings functions (UDFs), workbook scripts (macros), the ribbon add-in
and the xlwings Lite copy. Thin converters over :mod:`jjj_xl.methods` and :mod:`jjj_xl.workbook`."""
