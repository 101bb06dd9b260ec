"""The library's language can be chosen per call (a server's request), not only by environment."""

from __future__ import annotations

import threading

import pytest

from flowbridge.mining.i18n import _, catalogue_code, language

# A message the hand-off analysis gives for a column without values.
MESSAGE = "the log has no values in column %(column)s to follow hand-offs by"


def chinese_of(message: str) -> str:
    with language("zh-hans"):
        return _(message)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("zh-hans", "zh"), ("zh_CN", "zh"), ("zh", "zh"), ("en", "en"), ("en-us", "en"), ("", "en")],
)
def test_language_codes_map_to_catalogue_names(code: str, expected: str) -> None:
    assert catalogue_code(code) == expected


def test_the_chosen_language_applies_inside_the_block_only() -> None:
    with language("en"):
        assert _(MESSAGE) == MESSAGE
    chinese = chinese_of(MESSAGE)
    assert chinese != MESSAGE
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
    with language("en"):
        assert _(MESSAGE) == MESSAGE


def test_threads_do_not_see_each_others_language() -> None:
    seen: dict[str, str] = {}
    ready = threading.Barrier(2)

    def speak(code: str) -> None:
        with language(code):
            ready.wait()
            seen[code] = _(MESSAGE)

    threads = [threading.Thread(target=speak, args=(c,)) for c in ("en", "zh-hans")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen["en"] == MESSAGE
    assert seen["zh-hans"] == chinese_of(MESSAGE)
