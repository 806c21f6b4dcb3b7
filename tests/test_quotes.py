"""Quote normalisation and matching."""

from __future__ import annotations

import pytest

from dprk_report.text.quotes import normalise, quote_in_text, read_article, word_count


def test_normalise_typography():
    assert normalise("\u201cWe\u2019re here,\u201d he said \u2014 twice") == '"We\'re here," he said - twice'
    assert normalise("Kim\u2013Putin \u2012 \u2212 \u2011") == "Kim-Putin - - -"


def test_normalise_whitespace_keeps_case():
    assert normalise("  North\u00a0Korean\r\n troops\n\n\tin  Kursk ") == "North Korean troops in Kursk"


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
