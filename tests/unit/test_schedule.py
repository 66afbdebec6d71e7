"""The order test files are handed out in (tests/conftest.py): longest first, each waiting file followed by a busy
one, a late file not among the first."""

from __future__ import annotations

from tests.conftest import LATE_PLACE, module_order


def test_waiting_files_share_the_even_places_and_late_files_come_after_the_first() -> None:
    seconds = {f"busy{n}.py": 100.0 - n for n in range(20)} | {"soak.py": 140.0, "kills.py": 120.0, "arm.py": 30.0}
    order = module_order(list(seconds), seconds, waiting={"soak.py", "kills.py"}, late={"arm.py"})
    assert order[:4] == ["soak.py", "busy0.py", "kills.py", "busy1.py"]  # never two waiting files side by side
    assert order.index("arm.py") == LATE_PLACE
    assert sorted(order) == sorted(seconds)
    rest = [name for name in order[4:] if name != "arm.py"]
    assert rest == sorted(rest, key=lambda name: -seconds[name])


def test_a_file_not_yet_timed_counts_as_a_middling_one_and_few_files_keep_a_late_one_last() -> None:
    seconds = {"a.py": 10.0, "b.py": 5.0, "c.py": 1.0}
    order = module_order(["c.py", "new.py", "b.py", "a.py", "arm.py"], seconds, waiting=set(), late={"arm.py"})
    assert order == ["a.py", "b.py", "new.py", "c.py", "arm.py"]
