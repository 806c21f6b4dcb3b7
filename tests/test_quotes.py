"""Quote normalisation and matching."""

from __future__ import annotations

import pytest

from dprk_report.text.quotes import may_start_a_formula, normalise, quote_in_text, read_article, word_count


def test_normalise_typography():
    assert normalise("\u201cWe\u2019re here,\u201d he said \u2014 twice") == '"We\'re here," he said - twice'
    assert normalise("Kim\u2013Putin \u2012 \u2212 \u2011") == "Kim-Putin - - -"


def test_normalise_whitespace_keeps_case():
    assert normalise("  North\u00a0Korean\r\n troops\n\n\tin  Kursk ") == "North Korean troops in Kursk"


def test_normalise_takes_every_kind_of_whitespace_in_plain_ascii_text_too():
    # Vertical tab, form feed and the information separators are whitespace to Python's str, as to regex \s.
    assert normalise("a\x0bb\x0cc\x1cd\x1fe \t\r\n") == "a b c d e"
    assert normalise("\x1c\u2028North\u3000Korean\x85") == "North Korean"


def test_normalise_compatibility_forms():
    # NFKC: the ellipsis character becomes three dots, full-width letters plain ones.
    assert normalise("wait\u2026 \uff2b\uff30\uff21") == "wait... KPA"


def test_quote_found_across_line_break_and_dash():
    text = "officials said about 15,000\ntroops \u2014 mostly infantry \u2014 were sent"
    assert quote_in_text("15,000 troops - mostly infantry - were", text)


def test_quote_matching_is_case_sensitive():
    assert not quote_in_text("North korean troops", "North Korean troops")


def test_empty_quote_is_never_found():
    assert not quote_in_text("  ", "anything")


def test_word_count():
    assert word_count("more than  300\nhad been killed") == 6


def test_read_article_strips_bom_and_crlf(tmp_path):
    path = tmp_path / "000_x.txt"
    path.write_bytes("\ufeffline one\r\nline two\r\n".encode("utf-8"))
    assert read_article(path) == "line one\nline two\n"


def test_a_validation_keeps_no_normalised_quote_once_done(fake):
    """Quotes are normalised once for the three checks that read them, and not kept in the memory of the
    kernel that validated, which then runs pages."""
    from dprk_report.text.quotes import normalised_quote

    assert fake.validate().ok
    assert normalised_quote.cache_info().currsize == 0


def test_a_validation_that_fails_midway_keeps_no_normalised_quote(fake, monkeypatch):
    from dprk_report.data import validation
    from dprk_report.text.quotes import normalised_quote

    def broken(tables):
        raise RuntimeError("a check that failed")

    monkeypatch.setattr(validation, "CROSS_CHECKS", (*validation.CROSS_CHECKS, broken))
    with pytest.raises(RuntimeError, match="a check that failed"):
        fake.validate()
    assert normalised_quote.cache_info().currsize == 0


@pytest.mark.parametrize(
    "table",
    [
        "id,text\nS1,=1+1\n",
        'id,text\nS1,"@SUM(A1), and more"\n',
        "id,text\n+44 20 7946 0000,x\n",  # a record's first cell
        "id,text\r\nS1,-3\r\n",
        "id,text\rS1,x\r-3,y\r",  # line ends a spreadsheet may write (old Macs)
        'id,text\nS1,"a\n-b"\n',  # after a line break inside a quoted cell: a false alarm, which is allowed
        'id,text\nS1,""=1+1\n',  # an empty quoted part, then the rest: the csv module reads the cell "=1+1"
    ],
)
def test_a_table_where_a_cell_may_begin_as_a_formula_is_checked_cell_by_cell(table):
    assert may_start_a_formula(table.encode("utf-8"))


@pytest.mark.parametrize(
    "table",
    [
        "id,text\nS1,a - b\n",
        'id,text\nS1,"a, -b"\n',  # a space before the minus
        "id,text\nS1, =1\n",  # begins with a space: spreadsheet_safe leaves it as it is
        "\ufeff-id,text\nS1,x\n",  # the very first cell is a column name, never changed
        "id,text\nS1,Seoul's “=” sign – and ‘@’\n",
    ],
)
def test_a_table_where_no_cell_can_begin_as_a_formula_is_not_checked_cell_by_cell(table):
    assert not may_start_a_formula(table.encode("utf-8"))


def test_no_table_in_which_a_cell_begins_as_a_formula_goes_unchecked():
    """Every table of a few cells written with every mix of quotes, separators and line ends that the csv
    module reads: whenever it reads a cell (but the very first, a column name) that begins as a formula, the
    table is checked cell by cell."""
    import csv
    import io
    import itertools

    from dprk_report.text.quotes import FORMULA_STARTS

    pieces = ['"', ",", "\n", "\r", "=", "-", "a"]
    for length in range(1, 7):
        for combination in itertools.product(pieces, repeat=length):
            table = "id" + "".join(combination)
            try:
                cells = [cell for record in csv.reader(io.StringIO(table, newline="")) for cell in record][1:]
            except csv.Error:
                continue  # not a table the build would publish: validation refuses it
            if any(cell.startswith(FORMULA_STARTS) for cell in cells):
                assert may_start_a_formula(table.encode("utf-8")), repr(table)
