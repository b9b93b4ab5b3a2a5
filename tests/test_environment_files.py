"""requirements.txt and environment.yml must install the same versions."""

import re

import yaml

from tools.project import ROOT


def pins(lines):
    found = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if line:
            name, version = re.fullmatch(r"([A-Za-z0-9_.\[\]-]+)==(\S+)", line).groups()
            found[name.lower()] = version
    return found


def test_environment_yml_pins_what_requirements_txt_pins():
    requirements = pins((ROOT / "requirements.txt").read_text().splitlines())
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(entry["pip"] for entry in environment["dependencies"] if isinstance(entry, dict))
    assert pins(pip_section) == requirements
    assert "python=3.11" in environment["dependencies"]
    assert "conda-forge" in environment["channels"]
    assert requirements["tensorflow-cpu"] == "2.21.0"
