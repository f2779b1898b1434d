"""The checks every effects function applies to its arguments, and numbers in formulas.

A negative or non-integer count, an SD ≤ 0, a value outside its range: each raises
``ValueError`` with a one-line message that names the argument and its value.
"""

from __future__ import annotations

import math
from numbers import Integral, Real


def check_number(name: str, value) -> float:
    """``value`` as a finite float, or ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return x


def check_integer(name: str, value, requirement: str) -> int:
    """``value`` as an int (integral floats such as 12.0 are accepted)."""
    if not isinstance(value, bool):
        if isinstance(value, Integral):
            return int(value)
        if isinstance(value, Real) and math.isfinite(float(value)) and float(value).is_integer():
            return int(value)
    raise ValueError(f"{name} must be {requirement}, got {value!r}")


def check_count(name: str, value, minimum: int = 0) -> int:
    """``value`` as an int ≥ ``minimum``, or ValueError naming ``name``."""
    requirement = f"an integer ≥ {minimum}"
    k = check_integer(name, value, requirement)
    if k < minimum:
        raise ValueError(f"{name} must be {requirement}, got {value!r}")
    return k


def check_sd(name: str, value) -> float:
    x = check_number(name, value)
    if x <= 0:
        raise ValueError(f"{name} must be > 0 (a standard deviation), got {value!r}")
    return x


def check_level(level) -> float:
    x = check_number("level", level)
    if not 0 < x < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), got {level!r}")
    return x


def formula_number(x: float) -> str:
    """A number for a formula string: integers without decimals, others to 6 significant."""
    return str(int(x)) if float(x).is_integer() else f"{x:.6g}"
