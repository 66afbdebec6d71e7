from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import InputError
from harness.reporting.labconfig import parse_lab_config

GOOD = """\
[lab]
name = "Lab"
address = "Road 1"
location = "Rack 2"

[report]
applicant = "Vendor"
authorised_by = "Wang Fang"
validity_months = 6
"""


def test_a_good_config() -> None:
    config = parse_lab_config(GOOD, Path("lab.toml"))
    assert config["report"]["validity_months"] == 6
    assert config["lab"]["location"] == "Rack 2"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (GOOD.replace('name = "Lab"', 'nmae = "Lab"'), "lab.toml:2: lab.nmae"),
        (GOOD.replace("validity_months = 6", "validity_months = 0"), "lab.toml:9: report.validity_months"),
        (GOOD.replace('applicant = "Vendor"\n', ""), "lab.toml:6: report.applicant"),
        (GOOD.replace('address = "Road 1"', 'address = "Road'), "lab.toml:3"),
        (GOOD + "[extra]\nx = 1\n", "lab.toml:10: extra"),
        (GOOD.replace('location = "Rack 2"', 'location = ""'), "lab.toml:4: lab.location"),
    ],
)
def test_bad_configs_name_file_line_and_key(text: str, where: str) -> None:
    with pytest.raises(InputError) as info:
        parse_lab_config(text, Path("lab.toml"))
    assert str(info.value).startswith(where), str(info.value)
