"""Author–year mentions written by hand in prose: "Clark et al. (2018)", "(Scott, 2022)".

``find_mentions`` finds references typed as names and a year rather than as ``@key``
(narrative and parenthetical forms), and ``find_attributions`` the names written by hand
in front of a ``[-@key]`` citation. ``mentions_in`` and ``attributions_in`` do the same on
a text whose code and citations are already masked, for ``document.scan``.

Telling a surname from a capitalised word before "(2019)" takes a vocabulary of words
that are not names: the engine's own (months, places, and the common capitalised words of
English prose, headings and reports) plus ``stopwords``, the words a site supplies for its
subject (programme and service names, say), one frozenset threaded through every call.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from toulmin.scan.citations import citations_in, mask_citations, split_segments
from toulmin.scan.masking import BLANK_LINE, Lines, mask_markdown
from toulmin.scan.model import Citation

__all__ = [
    "Mention",
    "attributions_in",
    "find_attributions",
    "find_mentions",
    "looks_like_surname",
    "mentions_in",
]


@dataclass(frozen=True, slots=True)
class Mention:
    """An author–year reference written by hand: "Clark et al. (2018)", "(Scott, 2022)".

    ``surnames`` are as written, in order ("van Straten", "O'Mahen"); ``year`` as written
    ("2021a", "n.d.", "in press"). ``narrative`` is the "Surname (Year)" form, false for
    "(Surname, Year)". ``line``/``column``/``start`` point at the first surname; ``end`` is
    the offset just after the mention (after the year's parenthesis in narrative form).
    ``possessive`` marks "Scott's (2018)". ``cite_key`` is set only by
    ``find_attributions``: the names written in front of a ``[-@key]`` citation, whose
    year is the cited entry's (``year`` is then empty).
    """

    surnames: tuple[str, ...]
    et_al: bool
    year: str
    narrative: bool
    line: int
    column: int
    start: int
    end: int
    possessive: bool = False
    cite_key: str = ""
    #: capitalised words written right before the first surname ("Lloyd" of "Lloyd Jones
    #: and Smith (2010)", "Danielle" of "Danielle Navarro (2019)"): part of a double
    #: surname, or given names; the check decides which against the entry
    lead: str = ""



def _char_class(pred) -> str:
    spans: list[tuple[int, int]] = []
    for lo, hi in ((0x41, 0x250), (0x370, 0x530), (0x1E00, 0x1F00)):
        for c in range(lo, hi):
            if pred(chr(c)):
                if spans and spans[-1][1] == c - 1:
                    spans[-1] = (spans[-1][0], c)
                else:
                    spans.append((c, c))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in spans
    )


_UP = "[" + _char_class(str.isupper) + "]"
_CAPWORD = _UP + r"[^\W\d_]*(?:['’]" + _UP + r"[^\W\d_]*|-[^\W\d_]+)*"
_PARTICLE = (
    r"(?:[vV]an|[vV]on|[dD]e|[dD]er|[dD]en|[dD]el|[dD]ella|[dD]i|[dD]a|[dD]u|[dD]os|[dD]as"
    r"|[lL]e|[lL]a|[tT]en|[tT]er|bin|ibn|[aA]l|[eE]l)"
)
_NAME = r"(?:" + _PARTICLE + r"[ \t]+){0,2}" + _CAPWORD
_YEAR = r"(?:(?:1[5-9]|20)\d\d(?:[a-z](?![\w]))?(?![\w\-–/])|in[ \t]press|n\.[ \t]?d\.|forthcoming)"
_PAGE_LOC = r"(?:(?:pp?|paras?|chaps?|secs?|ch|¶|§|pages?|paragraphs?|sections?)\.?[ \t]*[^()]*)"

_NARR_PAREN = re.compile(
    r"\s*(?P<years>" + _YEAR + r"(?:\s*[,;]\s*" + _YEAR + r")*)"
    r"(?:\s*,\s*(?P<loc>" + _PAGE_LOC + r"))?\s*"
)
_YEAR_RE = re.compile(_YEAR)
_PAREN = re.compile(r"\(([^()\x00]{1,400})\)")
_YEARISH = re.compile(r"\d\d\d\d|n\.\s?d\.|press|forthcoming")
# Name chains are matched right to left: the window before "(" is reversed, so one
# anchored match finds the longest chain ending there ("Löwe and Williams, Kroenke, Spitzer").
_L = r"[^\W\d_]"
_CAPWORD_R = (
    r"(?:" + _L + r"+(?<=" + _UP + r")['’]|" + _L + r"+-)*" + _L + r"+(?<=" + _UP + r")"
)
_PARTICLE_R = (
    r"(?:na[vV]|no[vV]|e[dD]|re[dD]|ne[dD]|le[dD]|alle[dD]|i[dD]|a[dD]|u[dD]|so[dD]|sa[dD]"
    r"|e[lL]|a[lL]|ne[tT]|re[tT]|nib|nbi|l[aA]|l[eE])"
)
_END_R = r"(?![^\W\d_'’\-])"
_NAME_R = _CAPWORD_R + r"(?:[ \t]+" + _PARTICLE_R + _END_R + r"){0,2}" + _END_R
_SP_R = r"(?:[ \t]*\n?[ \t]+|[ \t]*\n)"
_LEAD = re.compile(r"(?<![^\s(\[\"“])((?:" + _CAPWORD + r"\.?[ \t]+){1,3})\Z")


# The two largest patterns (16 ms to compile) are compiled on first use: a build whose
# documents are all in the check cache never looks for prose mentions.
@functools.cache
def _chain_r() -> re.Pattern:
    return re.compile(_CHAIN_R_SOURCE)


@functools.cache
def _paren_part() -> re.Pattern:
    return re.compile(_PAREN_PART_SOURCE)


_CHAIN_R_SOURCE = (
    r"(?P<ws>[ \t]{0,2}\n?[ \t]{0,2})(?P<poss>s['’])?(?P<chain>"
    + r"(?P<etal>\.?la" + _SP_R + r"te)" + _SP_R + _NAME_R
    + r"|" + _NAME_R + r"(?:" + _SP_R + r"(?:dna|&\\?)" + _SP_R + r",?(?:" + _NAME_R + r"[ \t]*,)*"
    + _NAME_R + r"|[ \t]*&[ \t]*" + _NAME_R + r")?)"
)
_ETAL = re.compile(r"\set\s+al\.?\Z")
_PAREN_PART_SOURCE = (
    r"\s*(?P<pre>(?:(?:see[ \t]+also|see|e\.g\.|i\.e\.|cf\.|also|for[ \t]+example|as[ \t]+cited"
    r"[ \t]+in|reviewed[ \t]+in|but[ \t]+see|compare|following)\s*,?\s+)?)"
    r"(?P<names>" + _NAME + r"(?:[ \t]+" + _CAPWORD + r"){0,3}"
    r"(?:\s*,\s*" + _NAME + r")*(?:\s*,?\s*(?:\\?&|and)\s*" + _NAME + r")?"
    r"(?:\s+et\s+al\.?)?)"
    r"\s*,\s*(?P<years>" + _YEAR + r"(?:\s*,\s*" + _YEAR + r")*)"
    r"(?:\s*,\s*(?P<loc>" + _PAGE_LOC + r"))?\s*"
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MONTHS = _words(
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday "
    "Friday Saturday Sunday Spring Summer Autumn Winter Fall Christmas Easter"
)
_PLACES = _words(
    "England Scotland Wales Ireland Britain UK Europe European America American Australia "
    "Canada Germany France Netherlands Sweden Norway Denmark Finland Spain Italy Japan "
    "China India London Manchester Birmingham Leeds Liverpool Bristol Sheffield Newcastle "
    "Glasgow Edinburgh Cardiff Belfast Oxford Cambridge Yorkshire Midlands Cornwall Kent "
    "Surrey Devon Essex Lancashire Cumbria Northumberland North South East West Northern "
    "Southern Eastern Western Central Greater English Scottish Welsh Irish British"
)
#: Capitalised words of English prose, headings and reports that often stand before a year
#: in parentheses without being names. A site adds the words of its own subject.
_FUNCTION = _words(
    "A An The This That These Those Its It In On At By For From Of To With Without Under "
    "Over As When While Whereas Although Though But And Or So Yet Since After Before "
    "Following Unlike Like If Because Once Until Where Why How What Who Which Whose Then "
    "Thus Hence However Indeed Here There Both Even Only Also Still Later Earlier Similarly "
    "Meanwhile Moreover Furthermore Notably Crucially Instead Rather Perhaps Per Via "
    "Against Between Among Across Through Throughout During Within Toward Towards Upon "
    "Despite Given Including According Is Was Were Are Has Have Had Can Could Would Should "
    "Will May Might Must Not Neither Nor Either Yes No Each Every All Some Many Most Few "
    "Our Their His Her My Your We They He She I You See Cf Table Tables Figure Figures Fig "
    "Chapter Section Appendix Box Wave Phase Stage Step Year Years Report Reports Survey "
    "Census Data Dataset Review Guidance Guideline Guidelines Plan Strategy Programme "
    "Program Policy Act Bill Budget Election Results Findings Evidence Outcomes Outcome "
    "Update Updates Version Edition Volume Issue Part Note Notes Summary Introduction "
    "Conclusion Conclusions Background Methods Discussion Abstract Government Parliament "
    "Committee Department Ministry Office Commission Council Board Institute University "
    "College Foundation Fund Centre Center Network Team Group Association Society Union "
    "Agency Authority Today Now Overall Total Mean Median Average Baseline Model Trial "
    "Study Studies Analysis Sample Cohort Population People Staff Cost Costs Spending "
    "Funding Target Targets Rates Rate Times Access Term View First Second Third Fourth "
    "Fifth Last Next New Old Early Late Recent Current Previous Latest Annual Quarterly "
    "Monthly Weekly Daily One Two Three Four Five Six Seven Eight Nine Ten Journal Trials "
    "Minister Secretary Prime Statistics Official Dashboard Website Blog Podcast Video "
    "Appendices"
)
_STOP = _MONTHS | _PLACES | _FUNCTION
_IN_WORDS = _words(
    "In On At Of Across Throughout During Within Outside Inside Around Over Under"
)


@functools.lru_cache(maxsize=16)
def _vocabulary(stopwords: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(words that are no surname, capitalised words that may stand before a surname),
    each the engine's list with a site's ``stopwords`` added (computed once per set)."""
    if not stopwords:
        return _STOP, _FUNCTION
    return _STOP | stopwords, _FUNCTION | stopwords


def looks_like_surname(word: str, stopwords: frozenset[str] = frozenset()) -> bool:
    """Whether a capitalised word before "(Year)" can be a surname.

    Not an acronym ("WHO"), a month or weekday, a place, one of the common capitalised
    words that start sentences and headings ("In", "Table", "Survey"), or one of the
    site's ``stopwords``. Multi-word names are judged by their last word ("van Straten",
    "Warnock-Parkes" pass).
    """
    return _surname_like(word, _vocabulary(stopwords)[0])


def _surname_like(word: str, stop: frozenset[str]) -> bool:
    last = word.rsplit(None, 1)[-1] if word else ""
    if not last or not last[0].isupper() or _is_acronym(last):
        return False
    if not last.replace("'", "").replace("’", "").replace("-", "").isalpha():
        return False
    return last not in stop


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _years(s: str) -> list[str]:
    return [" ".join(y.split()) for y in _YEAR_RE.findall(s)]


def _name_spans(chain: str, et_al: bool) -> list[tuple[int, str]]:
    """(offset, name) of each name in a chain: "Clark, Canvin, and Green", "Clark et al."."""
    if et_al:
        i = chain.rfind("et")
        chain = chain[:i]
    out: list[tuple[int, str]] = []
    cur: list[str] = []
    pos = 0
    for token in chain.replace("\\&", "&").replace(",", " , ").replace("&", " & ").split():
        if token in (",", "&", "and"):
            if cur:
                out.append((chain.find(cur[0], pos), " ".join(cur)))
                pos = out[-1][0] + len(out[-1][1])
                cur = []
        else:
            cur.append(token)
    if cur:
        out.append((chain.find(cur[0], pos), " ".join(cur)))
    return out


def _lead(work: str, start: int, function: frozenset[str]) -> str:
    """Capitalised words (and initials) right before ``start`` on its line, up to three."""
    m = _LEAD.search(work, max(0, start - 60), start)
    if m is None:
        return ""
    words = m.group(1).split()
    while words and words[0].rstrip(".") in function:
        words.pop(0)
    return " ".join(words)


def _names_before(
    work: str, pos: int, stop: frozenset[str], function: frozenset[str], depth: int = 0
) -> tuple[list[str], bool, bool, int, str, bool] | None:
    """Names written just before ``pos`` (a ``(`` or a citation): names, et_al, poss,
    start, the capitalised words before the first name (``_lead``), and whether the
    mention is set aside: one name right after another capitalised word, which may be
    part of a longer name ("Royal Mail (2019)", "Lloyd Jones (2011)", "Danielle Navarro
    (2019)") and is checked only where the entry says it is a name.

    ``stop`` and ``function`` are ``_vocabulary``'s two sets.
    """
    lo = max(0, pos - 80)
    window = work[lo:pos]
    m = _chain_r().match(window[::-1])
    if m is None:
        return None
    n = len(window)
    chain = window[n - m.end("chain") : n - m.start("chain")]
    base = lo + n - m.end("chain")
    et_al = m.group("etal") is not None
    spans = _name_spans(chain, et_al)
    # Keep the longest run of plausible names ending at the parenthesis:
    # "England, Clark and Layard" -> Clark, Layard; "anxiety and Clark" -> Clark.
    k = len(spans)
    while k and _plausible(spans[k - 1][1], stop):
        k -= 1
    if k == len(spans):
        return None
    if k:
        if et_al:
            return None
        spans = spans[k:]
    names = [name for _, name in spans]
    start = base + spans[0][0]
    lead = _lead(work, start, function)
    if len(names) == 1 and not et_al:
        name = names[0]
        if not _surname_like(name, stop):
            return None
        before = work[max(0, start - 40) : start]
        if before[-1:] in (" ", "\t", "\n"):
            words = before.split()
            prev = words[-1] if words else ""
            if prev.isalpha():
                if prev in _IN_WORDS:
                    return None  # "In England (2019)", "During Winter (2020)"
                if prev[0].isupper() and prev not in function:
                    # The last of several names may be a double surname: "van Buuren and
                    # Groothuis Oudshoorn (2011)".
                    end = start - len(before) + len(before.rstrip())
                    inner = _names_before(work, end, stop, function, 1) if not depth else None
                    if inner is not None and len(inner[0]) > 1 and not inner[1]:
                        return ([*inner[0][:-1], f"{inner[0][-1]} {name}"], False,
                                bool(m.group("poss")), inner[3], inner[4], False)
                    # part of a longer capitalised name ("Royal Mail"), or a double
                    # surname, or given names: set aside
                    return names, et_al, bool(m.group("poss")), start, lead, True
    return names, et_al, bool(m.group("poss")), start, lead, False


def _plausible(name: str, stop: frozenset[str]) -> bool:
    """A name in a chain: capitalised last word, not a stop word; particles allowed."""
    last = name.rsplit(None, 1)[-1] if name else ""
    if not last or not last[0].isupper() or last in stop:
        return False
    # A lone acronym is no name ("WHO"); inside a longer name it may be ("WHO Europe").
    return " " in name.strip() or not _is_acronym(last)


def mentions_in(
    work: str, lines: Lines, stopwords: frozenset[str] = frozenset(),
    aside: list[Mention] | None = None,
) -> list[Mention]:
    """``find_mentions`` on ``work``: a text masked by ``mask_markdown`` whose citations
    ``mask_citations`` blanked; ``lines`` gives its positions. Narrative mentions of one
    name right after another capitalised word ("Lloyd Jones (2011)") go to ``aside``
    (when given) rather than to the result, with that word in ``lead``."""
    if "(" not in work:
        return []
    stop, function = _vocabulary(stopwords)
    out: list[Mention] = []
    for p in _PAREN.finditer(work):
        body = p.group(1)
        if _YEARISH.search(body) is None:
            continue
        if BLANK_LINE.search(body):
            continue
        nm = _NARR_PAREN.fullmatch(body)
        if nm is not None:
            found = _names_before(work, p.start(), stop, function)
            if found is None:
                continue
            names, et_al, poss, start, lead, set_aside = found
            if set_aside and aside is None:
                continue
            ln, col = lines.pos(start)
            for year in _years(nm.group("years")):
                (aside if set_aside else out).append(Mention(
                    tuple(names), et_al, year, True, ln, col, start, p.end(), poss, "", lead
                ))
            continue
        if not _YEAR_RE.search(body):
            continue
        base = p.start(1)
        for a, b in split_segments(body):
            pm = _paren_part().fullmatch(body, a, b)
            if pm is None:
                continue
            group = pm.group("names")
            et_al = _ETAL.search(group) is not None
            names = [n for _, n in _name_spans(group, et_al)]
            if not _paren_names_ok(names, stop):
                continue
            start = base + pm.start("names")
            ln, col = lines.pos(start)
            for year in _years(pm.group("years")):
                out.append(
                    Mention(tuple(names), et_al, year, False, ln, col, start, base + b)
                )
    return out


def _paren_names_ok(names: list[str], stop: frozenset[str]) -> bool:
    for n in names:
        words = n.split()
        if any(_is_acronym(w) for w in words) and len(words) > 1:
            continue  # an organisation: "WHO Europe"
        if not _plausible(n, stop):
            return False
    return True


def attributions_in(
    work: str, citations: list[Citation], lines: Lines, stopwords: frozenset[str] = frozenset(),
    aside: list[Mention] | None = None,
) -> list[Mention]:
    """``find_attributions`` on ``work`` (as for ``mentions_in``) and its ``citations``;
    ``aside`` as for ``mentions_in``."""
    stop, function = _vocabulary(stopwords)
    out = []
    for c in citations:
        first = c.items[0]
        if not first.suppress_author:
            continue
        found = _names_before(work, c.start, stop, function)
        if found is None:
            continue
        names, et_al, poss, start, lead, set_aside = found
        if set_aside and aside is None:
            continue
        ln, col = lines.pos(start)
        (aside if set_aside else out).append(Mention(
            tuple(names), et_al, "", True, ln, col, start, c.start, poss, first.key, lead
        ))
    return out


def find_mentions(text: str, stopwords: frozenset[str] = frozenset()) -> list[Mention]:
    """Author–year references written in prose rather than as ``@key``.

    Narrative ("Clark et al. (2018)", "Read and Moncrieff (2022)", "Scott's (2018)",
    "Clark et al. (2018, p. 680)") and parenthetical ("(Clark et al., 2018; Scott, 2022)",
    "(see Marks, 2018, p. 3)"). A narrative mention with several years gives one
    ``Mention`` per year. Nothing inside a citation or masked text is a mention, nor are
    years that follow a place, a month, an acronym, a common capitalised word or one of
    ``stopwords`` (the site's own words that are no names).
    """
    lines = Lines(text)
    masked = mask_markdown(text)
    citations = citations_in(text, masked, lines)[0]
    return mentions_in(mask_citations(masked, citations), lines, stopwords)


def find_attributions(text: str, stopwords: frozenset[str] = frozenset()) -> list[Mention]:
    """Names written by hand in front of a ``[-@key]`` citation ("Clark et al. [-@key]").

    Each has ``cite_key`` set and an empty ``year`` (the year is the cited entry's).
    """
    lines = Lines(text)
    masked = mask_markdown(text)
    citations = citations_in(text, masked, lines)[0]
    return attributions_in(mask_citations(masked, citations), citations, lines, stopwords)
