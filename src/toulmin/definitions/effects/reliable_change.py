"""Jacobson & Truax's reliable change: the index for one person's change and the smallest
change that is reliable.
"""

from __future__ import annotations

import math

from toulmin.definitions.effects.arguments import check_number, check_sd, formula_number
from toulmin.definitions.estimate import Estimate


def _reliable_sdiff(sd, reliability) -> tuple[float, float, float]:
    sd = check_sd("sd", sd)
    r = check_number("reliability", reliability)
    if not 0 <= r < 1:
        raise ValueError(f"reliability must be in [0, 1), got {reliability!r}")
    se = sd * math.sqrt(1 - r)
    return sd, r, math.sqrt(2 * se * se)


def reliable_change_index(x1, x2, sd, reliability) -> Estimate:
    """Jacobson & Truax's reliable change index for one person's change from x1 to x2.

    Jacobson & Truax (1991), "Clinical significance: a statistical approach to defining
    meaningful change in psychotherapy research", Journal of Consulting and Clinical
    Psychology 59:12-19, p. 14:

        SE = sd · √(1 − r),   S_diff = √(2·SE²),   RCI = (x2 − x1) / S_diff

    where sd is the SD of the measure (pre-treatment, or a normal population) and r its
    reliability (test-retest or internal consistency). |RCI| > 1.96 is a reliable change
    at p < .05. The sign follows x2 − x1: on symptom scales a negative RCI is improvement.
    """
    x1 = check_number("x1", x1)
    x2 = check_number("x2", x2)
    sd, r, sdiff = _reliable_sdiff(sd, reliability)
    return Estimate(
        value=(x2 - x1) / sdiff,
        formula=(f"RCI = (x2 − x1) / S_diff = ({formula_number(x2)} − {formula_number(x1)})"
                 f" / {sdiff:.6g}; S_diff = √2 × SD × √(1 − r) with SD = {formula_number(sd)},"
                 f" r = {formula_number(r)}"
                 " (Jacobson & Truax 1991)"),
        unit="",
    )


def reliable_change_threshold(sd, reliability, z=1.96) -> float:
    """The smallest change that is reliable: z · S_diff, S_diff = √2 · sd · √(1 − r).

    Jacobson & Truax (1991), Journal of Consulting and Clinical Psychology 59:12-19, p. 14
    (a change is reliable when |RCI| > z, z = 1.96 for p < .05). A change of exactly this
    size has |RCI| = z.
    """
    _, _, sdiff = _reliable_sdiff(sd, reliability)
    z = check_number("z", z)
    if z <= 0:
        raise ValueError(f"z must be > 0, got {z!r}")
    return z * sdiff
