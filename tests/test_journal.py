"""The journal's packing of what it keeps (kg/journal.py)."""

from dataclasses import dataclass, field
from decimal import Decimal

from kg.journal import _REDUCERS, _packed, _unpacked
from kg.schema import Evidence, Measurement, Mention, Relation


@dataclass(frozen=True, slots=True)
class _Counted:
    name: str
    count: int = field(init=False, default=0)


def test_packed_dataclasses_come_back_equal():
    """Slotted dataclasses are written as their fields (not through dataclasses' slow __getstate__)
    and read back equal; one with a field __init__ does not take is pickled the usual way."""
    a, b = Mention("Acme", "Organization", 0, 4, key="Acme Group"), Mention("Globex", "Organization", 12, 18)
    evidence = Evidence("x", 0, 30, "Acme bought Globex.", "kg.patterns.v1", 0.8, "acquisition.buy-verb")
    value = {"relations": (Relation(a, "investsIn", b, evidence),),
             "facts": [Measurement(a, "investment", Decimal("5E9"), "USD", None, evidence)], "other": _Counted("n")}
    assert _unpacked(_packed(value)) == value
    assert _REDUCERS._reducers.get(Relation) is not None and _REDUCERS._reducers.get(_Counted) is None


def test_what_copyreg_registers_is_still_packed():
    """The pickler's own dispatch table replaces copyreg's: a compiled pattern must still pack."""
    import re

    assert _unpacked(_packed({"pattern": re.compile("a+")}))["pattern"].pattern == "a+"
