"""Text cells written with XlsxWriter: exactly the text given, never a formula, never raw XML.

``write_string`` never makes a formula, but XlsxWriter copies a string that
starts ``<r>`` and ends ``</r>`` into the file as it is, as rich-text XML (in
shared strings and in ``constant_memory`` inline strings alike). Typed by
someone, such text would come out restyled, break the file, or close its cell
and add cells of its own, formulas included. Every export that writes text with
XlsxWriter goes through ``write_text``.
"""

# What XlsxWriter takes for rich-text XML: a string from this to RICH_TEXT_END.
RICH_TEXT_START, RICH_TEXT_END = "<r>", "</r>"


class TextCells:
    """Writes text cells to one workbook's sheets (the format it needs is made once per workbook)."""

    def __init__(self, workbook):
        # A rich-text run in the default font: text that looks like rich-text XML is
        # written as two plain runs, which XlsxWriter escapes.
        self.plain_run = workbook.add_format({})

    def write(self, worksheet, row, col, text, cell_format=None):
        """Write ``text`` to the cell as text, exactly."""
        if text.startswith(RICH_TEXT_START) and text.endswith(RICH_TEXT_END):
            runs = [text[:1], self.plain_run, text[1:]]
            if cell_format is not None:
                runs.append(cell_format)
            return worksheet.write_rich_string(row, col, *runs)
        return worksheet.write_string(row, col, text, cell_format)
