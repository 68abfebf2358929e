"""How every figure of the outcomes is worked out, in words: the instruments' scoring rules (from
their files) and the paired statistics (from the constants statistics.py computes with)."""

from flask_babel import gettext

from pairs_group.questionnaires import rules as scoring_rules
from pairs_group.reports import instruments, statistics


def method_rules():
    """The paired comparison the report makes for each measure."""
    return [
        gettext("A parent-baby pair counts for a measure when it has a valid score both before "
                "and after the group."),
        gettext("Change is after minus before; its %(level)s%% confidence interval comes from "
                "the t distribution.", level=round(statistics.CONFIDENCE * 100)),
        gettext("p-values come from a paired t-test and a Wilcoxon signed-rank test "
                "(two-sided); d_z is the mean change divided by the standard deviation of the "
                "changes."),
        gettext("Tests need at least %(count)d pairs; with fewer only the means are shown.",
                count=statistics.MIN_PAIRS_FOR_TESTS),
        zeros_rule(statistics.WILCOXON_ZEROS),
    ]


def zeros_rule(zero_method):
    """What the Wilcoxon test does with pairs whose score did not change (SciPy's methods)."""
    return {"wilcox": gettext("The Wilcoxon test leaves out pairs whose score did not change."),
            "pratt": gettext("The Wilcoxon test ranks pairs whose score did not change, then "
                             "leaves them out."),
            "zsplit": gettext("The Wilcoxon test splits the ranks of pairs whose score did not "
                              "change between the two signs.")}[zero_method]


def report_rules():
    """[(instrument name, [(subscale name or None, rule)])] for the outcomes page."""
    return [(instruments.instrument_name(instrument),
             [(instruments.subscale_name(sub) if sub else None, text) for sub, text in found])
            for instrument, found in scoring_rules.every_rule(instruments.INSTRUMENT_NAMES).items()]


def codebook_rule(subscale):
    """The rule of a scores.csv column: each instrument's rule for a subscale of that id."""
    return " | ".join(f"{instrument}: {text}"
                      for instrument, found in scoring_rules.every_rule(
                          instruments.INSTRUMENT_NAMES).items()
                      for sub, text in found if sub == subscale)


def timepoint_rule():
    return " ".join(method_rules())
