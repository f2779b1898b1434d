"""Statistics and a chart of Anscombe's quartet (data/anscombe/quartet.csv).

Each ``@toulmin.statistic`` recomputes one figure the posts quote as
``[0.816]{stat=anscombe.correlation_i}``; each ``@toulmin.chart`` draws one chart that
``toulmin charts`` renders into charts/NAME.svg. Replace them with your own.
"""

from __future__ import annotations

import altair as alt

import toulmin

SOURCES = ["anscombe1973graphs"]


@toulmin.statistic("anscombe.correlation_i", sources=SOURCES, unit="", digits=3,
                   title="Pearson correlation of x and y, Anscombe's data set I")
def correlation_i(data):
    """Pearson's r between x and y in data set I of the quartet."""
    table = data.table("quartet")
    first = table[table.dataset == "I"]
    return float(first.x.corr(first.y))


@toulmin.statistic("anscombe.mean_y", sources=SOURCES, unit="", digits=2,
                   title="Mean of y, each of Anscombe's four data sets")
def mean_y(data):
    """The mean of y in data set I (the four data sets agree to two decimals)."""
    table = data.table("quartet")
    return float(table[table.dataset == "I"].y.mean())


@toulmin.chart(
    "anscombe_quartet",
    title="Anscombe's quartet: four data sets with the same correlation",
    description="Four scatter plots of eleven points each: a linear cloud, a curve, a "
    "straight line with one outlier, and a vertical column with one distant point.",
)
def anscombe_quartet(data):
    """The four data sets side by side, x against y."""
    table = data.table("quartet")
    return alt.Chart(table, width=160, height=140).mark_point(filled=True).encode(
        x=alt.X("x:Q", title="x", scale=alt.Scale(zero=False)),
        y=alt.Y("y:Q", title="y", scale=alt.Scale(zero=False)),
        column=alt.Column("dataset:N", title="Data set"),
        tooltip=[alt.Tooltip("dataset:N", title="Data set"), "x:Q", "y:Q"],
    )
