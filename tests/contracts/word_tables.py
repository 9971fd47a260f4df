"""Word tables for the tests, built from text: Cumbria's is the seed's text, copied into the repo.

The seed (tests/fixtures/cumbria_word_table.txt) is the text of Cumbria's
Word table as a word processor saves it: each cell starts on a new line with a
tab, five cells to a row. ``build_docx`` puts those cells back into a Word
table, one paragraph per line, so the reader sees what the office's document
holds.
"""

import re
from pathlib import Path

import docx

CUMBRIA_TEXT = Path(__file__).resolve().parent.parent / "fixtures" / "cumbria_word_table.txt"


def cumbria_rows():
    """The Cumbria table's rows (the heading row first), five cells each."""
    cells = re.split(r"\n\t", CUMBRIA_TEXT.read_text(encoding="utf-8"))
    assert len(cells) % 5 == 0, "the seed's text is five cells to a row"
    return [
        [cell.strip("\n ") for cell in cells[index : index + 5]]
        for index in range(0, len(cells), 5)
    ]


def build_docx(path, rows, title="PFCC Commissioned Services"):
    document = docx.Document()
    document.add_heading(title, level=1)
    table = document.add_table(rows=0, cols=len(rows[0]))
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            lines = text.split("\n")
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    document.save(path)
    return path
