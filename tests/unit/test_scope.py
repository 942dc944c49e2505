"""A bureau's scope in words: the name of its region, in both languages."""

from __future__ import annotations

import pytest

from assessment.repo.scope import region_names


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("320500", ("苏州市", "Suzhou")),
        ("320000", ("江苏省", "Jiangsu")),
        ("330902", ("定海区", "Dinghai District")),
        ("330999", ("舟山市下辖区县", "county in Zhoushan")),  # a code the reference lacks
    ],
)
def test_a_bureau_scope_is_named_by_its_region(code: str, names: tuple[str, str]) -> None:
    assert region_names(code) == names
