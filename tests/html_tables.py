"""Read an HTML table the way a user sees it: rows of cell text, for assertions in tests."""

from html.parser import HTMLParser


class _TableReader(HTMLParser):
    def __init__(self, table_id):
        super().__init__()
        self.table_id = table_id
        self.depth = 0  # >0 while inside the wanted table
        self.rows = []
        self.cell = None
        self.found = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            if self.depth:
                self.depth += 1
            elif dict(attrs).get("id") == self.table_id:
                self.depth, self.found = 1, True
            return
        if not self.depth:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.depth and self.cell is not None:
            self.cell.append(data)


def table_rows(html, table_id):
    """Rows (header row included) of the table with ``id=table_id``, each a list of cell text."""
    if isinstance(html, bytes):
        html = html.decode()
    reader = _TableReader(table_id)
    reader.feed(html)
    assert reader.found, f"No table with id {table_id!r} on the page"
    return reader.rows


def row_named(html, table_id, first_cell):
    """The row of a table whose first cell reads ``first_cell``."""
    for row in table_rows(html, table_id):
        if row and row[0] == first_cell:
            return row
    raise AssertionError(f"No row {first_cell!r} in table {table_id!r}")
