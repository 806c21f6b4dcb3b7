"""``report.toml`` mistakes are refused before anything runs, with a message naming the setting."""

from __future__ import annotations

import pytest

from dprk_report import paths
from dprk_report.pipeline.config import ConfigError, load_config

GOOD = """
title = "Test report"
notebooks = ["01-describe-sources"]
limitations = ["A limitation."]

[[variant]]
name = "all-sides"
title = "All sides"
parameters = {}
"""


def _load(tmp_path, text: str):
    path = tmp_path / "report.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_a_good_config_loads(tmp_path):
    config = _load(tmp_path, GOOD)
    assert config.limitations == ("A limitation.",)
    assert [page.key for page in config.pages] == ["all-sides/01-describe-sources"]


def test_the_published_config_loads_with_its_limitations():
    assert len(load_config(paths.REPORT_CONFIG).limitations) >= 1


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t: t.replace('title = "Test report"', 'title = "Test report'), "report.toml: not valid TOML"),
        (lambda t: t.replace('"01-describe-sources"', '"09-no-such-notebook"'), "'09-no-such-notebook' has no file"),
        (lambda t: t.replace('"01-describe-sources"', '"../../etc/passwd"'), "'../../etc/passwd' is not a notebook"),
        (lambda t: t.replace('"01-describe-sources"', '"/tmp/01-x"'), "'/tmp/01-x' is not a notebook name"),
        (lambda t: t.replace('title = "Test report"', 'titel = "Test report"'), "unknown setting 'titel'"),
        # limitations written after the [[variant]] header: TOML files it under the variant
        (
            lambda t: t.replace('limitations = ["A limitation."]\n', "") + 'limitations = ["A limitation."]\n',
            "variant all-sides: unknown setting 'limitations'",
        ),
        (lambda t: t.replace('limitations = ["A limitation."]', "limitations = []"), "limitations must be a non-empty"),
        (lambda t: t.replace("parameters = {}", "parameters = { start_date = 20250101 }"), "start_date 20250101"),
        (lambda t: t.replace("parameters = {}", 'parameters = { sides = "Russia" }'), "sides 'Russia' must be a list"),
        (lambda t: t.replace('name = "all-sides"', 'name = "../x"'), "name '../x' must be lower-case"),
        (lambda t: t.replace('name = "all-sides"', 'name = "/abs"'), "name '/abs' must be lower-case"),
        (lambda t: t + '\n[[variant]]\nname = "all-sides"\nparameters = {}\n', "variant all-sides: name is used twice"),
    ],
)
def test_a_mistake_is_named(tmp_path, change, message):
    with pytest.raises(ConfigError) as error:
        _load(tmp_path, change(GOOD))
    assert message in str(error.value)


def test_a_config_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "report.toml"
    path.write_bytes(GOOD.encode("utf-8").replace(b"Test report", b"Test r\xe9port"))
    with pytest.raises(ConfigError, match="report.toml: not valid UTF-8"):
        load_config(path)
