"""deploy/counterflow.env.example lists every setting, and each example value loads."""
from __future__ import annotations

import re
from dataclasses import fields

from server.settings import Settings
from tests.support.live_hub import ROOT

LINE = re.compile(r"^#?(COUNTERFLOW_[A-Z0-9_]+)=(.*)$")


def test_env_example_lists_every_setting_with_a_value_that_loads():
    text = (ROOT / "deploy" / "counterflow.env.example").read_text()
    examples: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = LINE.match(line)
        if match:
            examples.setdefault(match.group(1), []).append(match.group(2))
    names = {f"COUNTERFLOW_{f.name.upper()}" for f in fields(Settings)}
    assert names - set(examples) == set(), "settings missing from deploy/counterflow.env.example"
    assert set(examples) - names == set(), "the example names settings that do not exist"
    for name, values in examples.items():
        for value in values:
            if value:  # an empty value is "fill this in"
                Settings.load({name: value})  # raises on a value the setting cannot take
    defaults = Settings()
    for f in fields(Settings):
        if isinstance(getattr(defaults, f.name), (bool, int, float)) and f.name != "port":
            documented = Settings.load({f"COUNTERFLOW_{f.name.upper()}": examples[f"COUNTERFLOW_{f.name.upper()}"][0]})
            assert getattr(documented, f.name) == getattr(defaults, f.name), f"{f.name}: the example is not the default"

