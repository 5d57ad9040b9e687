"""The ribbon XML against the customUI schema (issue 8).

tests/schemas/customui_2006_subset.xsd is a HAND-WRITTEN subset of Microsoft's customUI
schema (see its header): the official customUI.xsd / customUI14.xsd could not be obtained
offline. [MS-CUSTOMUI] rules XSD 1.0 cannot say (exactly one of id / idMso per control, a
callback per button) are checked in Python below. Broken copies must fail.
"""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jjj_xl.excel import addin, ribbon

xmlschema = pytest.importorskip("xmlschema")

XSD = Path(__file__).parent / "schemas" / "customui_2006_subset.xsd"
NS = {"ui": addin.CUSTOMUI_NS}


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema10(str(XSD))


def test_ribbon_xml_is_valid(schema):
    text = addin.customui_xml()
    schema.validate(text)        # raises with the reason when invalid
    root = ET.fromstring(text.encode("utf-8"))
    for el in root.iterfind(".//*"):
        if el.tag.split("}")[1] in ("tab", "group", "button"):
            assert (el.get("id") is None) != (el.get("idMso") is None), el.attrib  # exactly one
    buttons = root.findall(".//ui:button", NS)
    assert len(buttons) == len(ribbon.BUTTONS)
    assert {b.get("onAction") for b in buttons} == {addin.ON_ACTION}


@pytest.mark.parametrize("old, new", [
    ('id="jjj_weights"', 'id="jjj_compute_all"'),                 # duplicate id
    ('size="large"', 'size="huge"'),                               # not an ST_Size
    ('id="jjj_weights"', 'id="jjj weights"'),                      # not an ID
    ('screentip="Weights"', 'screentip=""'),                       # empty ST_String
    ('screentip="Weights"', 'screentip="' + "W" * 1025 + '"'),     # longer than 1024
    ('onAction=', 'onClick='),                                     # unknown attribute
    ("<tabs>", "<tabs><button id=\"stray\"/>"),                    # control outside a group
    ("<ribbon>", "<ribbon><tabs/>"),                               # tabs twice / empty tabs
])
def test_broken_copies_are_invalid(schema, old, new):
    text = addin.customui_xml()
    assert old in text
    assert not schema.is_valid(text.replace(old, new, 1))
