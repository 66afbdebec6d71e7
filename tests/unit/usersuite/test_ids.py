"""Stable ids of users' tests: from path and name only, collisions resolved the same way every time."""

from __future__ import annotations

import random

from harness.usersuite.ids import IMPORT_ID, MAX_SLUG, UserTest, assign, base_id


def t(path: str, name: str, suite: str = "tests", order: int = 0) -> UserTest:
    return UserTest(suite, order, path, name)


def test_the_id_is_the_path_and_name_slugged() -> None:
    assert base_id(t("test_default.py", "test_hosts_file")) == "USER-default-hosts-file"
    assert base_id(t("web/test_Nginx-conf.py", "TestSite::test_port_80")) == "USER-web-nginx-conf-testsite-port-80"


def test_ids_do_not_depend_on_where_the_suite_is_or_the_order() -> None:
    tests = [t("test_a.py", "test_x"), t("test_b.py", "test_y"), t("sub/test_a.py", "test_x")]
    first = assign(tests)
    shuffled = tests[:]
    random.Random(4).shuffle(shuffled)
    assert assign(shuffled) == first
    assert first[tests[0]] == "USER-a-x" and first[tests[2]] == "USER-sub-a-x"


def test_collisions_get_a_hash_of_the_full_name_then_a_number() -> None:
    a, b = t("test_a_b.py", "test_c"), t("test_a-b.py", "test_c")  # both slug to a-b-c
    ids = assign([a, b])
    assert ids[a] != ids[b] and ids[a].startswith("USER-a-b-c-") and ids[b].startswith("USER-a-b-c-")
    assert assign([b, a]) == ids
    # the same file in two suites of the same label: the later suite on the command line gets -2
    x, y = t("test_d.py", "test_e", order=0), t("test_d.py", "test_e", order=1)
    both = assign([y, x])
    assert both[x] != both[y] and both[y].endswith("-2") and both[x] == both[y][:-2]


def test_a_long_name_is_cut_with_a_hash_and_never_meets_the_fixed_ids() -> None:
    long = base_id(t("test_" + "x" * 100 + ".py", "test_" + "y" * 100))
    assert len(long) == len("USER-") + MAX_SLUG - 9 + 9 and long.startswith("USER-xxx")
    derived = base_id(t("test_IMPORT.py", "test_X")).removeprefix("USER-")
    assert derived == derived.lower() == "import-x"
    assert IMPORT_ID.upper() == IMPORT_ID != derived  # derived slugs are lower case: USER-IMPORT is never derived
