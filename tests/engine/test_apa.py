"""Unit tests of ``toulmin.style.apa`` on hand-written, realistic entries.

Every expected string comes from one of two sources, named in a comment beside it:

* "APA 7 §N": an example printed in the *Publication Manual of the American Psychological
  Association* (7th ed., 2020), the BibTeX entry being that example's work;
* "pandoc": the output of pandoc 3.9's citeproc with ``tests/fixtures/csl/apa.csl`` (APA
  7th edition) for the same BibTeX, the oracle of ``tests/engine/test_apa_oracle.py``. In HTML,
  pandoc's case-protection ``<span>`` elements are left out and quotation marks in text are
  escaped (``&quot;``) as ``html.escape`` does.

Where toulmin deliberately differs from pandoc the manual is the source, and the test says
what pandoc prints instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toulmin.bibliography import bibtex as bib
from toulmin.bibliography.model import Reference
from toulmin.scan.model import Citation, CiteItem
from toulmin.style import apa

BIB = r"""
@article{grady2019,
  author  = {Grady, Jessica Stoltzfus and Her, Malina and Moreno, Geena and Perez, Catherine
             and Yelinek, Jillian},
  title   = {Emotions in Storybooks: A Comparison of Storybooks That Represent Ethnic and
             Racial Groups in the {United States}},
  journal = {Psychology of Popular Media Culture},
  year    = {2019}, volume = {8}, number = {3}, pages = {207--217},
  doi     = {10.1037/ppm0000185}
}
@article{deonis2017,
  author  = {de On{\'\i}s, Catalina M.},
  title   = {What's in an ``x''?: {An} Exchange about the Politics of ``{Latinx}.''},
  journal = {Chiricú Journal: Latina/o Literature, Art, and Culture},
  year    = {2017}, volume = {1}, number = {2}, pages = {78--91},
  doi     = {10.2979/chiricu.1.2.07}
}
@article{delsing2019,
  title   = {The 2019 Surface Acoustic Waves Roadmap},
  author  = {Delsing, Per and Cleland, Andrew N and Schuetz, Martin J A and Kn{\"o}rzer,
             Johannes and Giedke, G{\'e}za and Cirac, J Ignacio and Srinivasan, Kartik and Wu,
             Marcelo and Balram, Krishna Coimbatore and B{\"a}uerle, Christopher and Meunier,
             Tristan and Ford, Christopher J B and Santos, Paulo V and {Cerda-M{\'e}ndez},
             Edgar and Wang, Hailin and Krenner, Hubert J and Nysten, Emeline D S and
             Wei{\ss}, Matthias and Nash, Geoff R and Thevenard, Laura and Gourdon, Catherine
             and Westerhausen, Christoph},
  year    = {2019}, volume = {52}, pages = {353001},
  doi     = {10.1088/1361-6463/ab1b04},
  journal = {J. Phys. D: Appl. Phys.},
  number  = {35}
}
@book{jackson2019,
  author    = {Jackson, Lynne M.},
  title     = {The Psychology of Prejudice: From Attitudes to Social Action},
  edition   = {2},
  publisher = {American Psychological Association},
  year      = {2019},
  doi       = {10.1037/0000168-000}
}
@book{hackerhughes2017,
  editor    = {Hacker Hughes, Jamie},
  title     = {Military Veteran Psychological Health and Social Care: Contemporary Approaches},
  publisher = {Routledge},
  year      = {2017}
}
@book{jacksonrizq2019,
  editor    = {Jackson, Catherine and Rizq, Rosemary},
  title     = {The Industrialisation of Care: Counselling, Psychotherapy and the Impact of
               {IAPT}},
  publisher = {PCCS Books},
  address   = {Monmouth},
  year      = {2019}
}
@incollection{aron2019,
  author    = {Aron, Laurie and Botella, Marion and Lubart, Todd},
  title     = {Culinary Arts: Talent and Their Development},
  booktitle = {The Psychology of High Performance: Developing Human Potential into
               Domain-Specific Talent},
  editor    = {Subotnik, Rena F. and Olszewski-Kubilius, Paula and Worrell, Frank C.},
  publisher = {American Psychological Association},
  year      = {2019}, pages = {345--359},
  doi       = {10.1037/0000120-016}
}
@inbook{jones2001,
  author    = {Jones, Amy},
  title     = {A Chapter without Editors},
  booktitle = {A Book of Chapters},
  publisher = {Wiley},
  year      = {2001}, pages = {5}, volume = {2}, edition = {3}
}
@techreport{nci2019,
  author      = {{National Cancer Institute}},
  title       = {Taking Time: Support for People with Cancer},
  type        = {NIH Publication},
  number      = {18-2059},
  institution = {U.S. Department of Health and Human Services, National Institutes of Health},
  year        = {2019},
  url         = {https://www.cancer.gov/publications/patient-education/takingtime.pdf}
}
@misc{nhsdigital2023,
  author       = {{NHS Digital}},
  title        = {Psychological Therapies, Annual Report on the Use of {IAPT} Services, 2022-23},
  howpublished = {NHS Digital},
  year         = {2023},
  url          = {https://digital.nhs.uk/data-and-information/publications/statistical/psychological-therapies-annual-reports-on-the-use-of-iapt-services/annual-report-2022-23}
}
@online{who2018,
  author = {{World Health Organization}},
  title  = {The Top 10 Causes of Death},
  year   = {2018}, month = may, day = {24},
  url    = {https://www.who.int/news-room/fact-sheets/detail/the-top-10-causes-of-death}
}
@online{census,
  author    = {{U.S. Census Bureau}},
  title     = {{U.S. and} World Population Clock},
  publisher = {U.S. Department of Commerce},
  urldate   = {2019-07-03},
  url       = {https://www.census.gov/popclock/}
}
@phdthesis{harris2014,
  author = {Harris, Lauren},
  title  = {Instructional Leadership Perceptions and Practices of Elementary School Leaders},
  school = {University of Virginia},
  type   = {Unpublished doctoral dissertation},
  year   = {2014}
}
@phdthesis{kabir2016,
  author = {Kabir, Jahirul Mohammed},
  title  = {Factors Influencing Customer Satisfaction at a Fast Food Hamburger Chain: The
            Relationship between Customer Satisfaction and Customer Loyalty},
  school = {Wilmington University},
  type   = {Doctoral dissertation},
  year   = {2016},
  url    = {https://www.proquest.com/docview/1830410283}
}
@mastersthesis{hutcheson2012,
  author = {Hutcheson, Virginia H.},
  title  = {Dealing with Dual Differences: Social Coping Strategies of Gifted and Lesbian, Gay,
            Bisexual, Transgender, and Queer Adolescents},
  school = {The College of William \& Mary},
  year   = {2012}
}
@inproceedings{evans2019,
  author    = {Evans, Jr., Allan C. and Garbarino, James and Bocanegra, Elizabeth and
               Kinscherff, Robert T. and M{\'a}rquez-Greene, Nelba},
  title     = {Gun Violence: An Event on the Power of Community},
  booktitle = {Proceedings of the {APA} Annual Convention},
  year      = {2019}, pages = {12--19}
}
@unpublished{stein2020,
  author = {Stein, Max},
  title  = {A Draft on `Misinformation' and the {Internet}},
  year   = {2020}
}
@manual{rcore2020,
  title        = {R: A Language and Environment for Statistical Computing},
  organization = {R Core Team},
  year         = {2020},
  url          = {https://www.R-project.org/}
}
@article{inpress,
  author  = {Doe, Jane},
  title   = {Forthcoming Work},
  journal = {Journal of Things},
  year    = {in press}
}
@book{xss2020,
  author    = {Evil, Eve},
  title     = {<script>alert("x")</script> \& Friends},
  publisher = {Hacker <Press>},
  year      = {2020},
  url       = {javascript:alert(1)}
}
@article{anon2005,
  title   = {Anonymous Article about Stuff},
  journal = {Journal of Things},
  year    = {2005}
}
@book{handbook2005,
  title     = {Handbook of {Things}: A Guide},
  publisher = {Things Press},
  year      = {2005}
}
@article{luna2020, author = {Luna, Ana}, title = {One}, journal = {Journal of Things},
                   year = {2020}}
@article{salas2020, author = {Salas, Eduardo and D'Agostino, Rocco}, title = {Two},
                    journal = {Journal of Things}, year = {2020}}
@article{martin2020, author = {Martin, Anne and Jones, Bob and Smith, Carl}, title = {Three},
                     journal = {Journal of Things}, year = {2020}}
@article{kapoor2017a, author = {Kapoor, Anita and Bloom, Ben and Montez, Carla and Warner, Dan
                                and Hill, Eve},
                      title = {First}, journal = {Journal of Things}, year = {2017}}
@article{kapoor2017b, author = {Kapoor, Anita and Bloom, Ben and Zucker, Carl and Tang, Dee and
                                K{\"o}ro{\u g}lu, Ela and L'Enfant, Fay and Kim, Gus and
                                Daly, Hal},
                      title = {Second}, journal = {Journal of Things}, year = {2017}}
@article{taylor2015, author = {Taylor, Jane M. and Neimeyer, Robert}, title = {Third},
                     journal = {Journal of Things}, year = {2015}}
@article{taylor2014, author = {Taylor, Tom}, title = {Fourth}, journal = {Journal of Things},
                     year = {2014}}
@article{hobbes1, author = {Hobbes, Tom}, title = {Zebra Studies}, journal = {Journal of Things},
                  year = {2015}}
@article{hobbes2, author = {Hobbes, Tom}, title = {Aardvark Studies},
                  journal = {Journal of Things}, year = {2015}}
@article{hobbes3, author = {Hobbes, Tom}, title = {Undated Notes}, journal = {Journal of Things}}
@article{wu2012, author = {Wu, Li and others}, title = {Z}, journal = {Journal of Things},
                 year = {2012}}
@article{twenty, author = {Ames, A. and Bell, B. and Cole, C. and Dunn, D. and Eade, E. and
                           Fry, F. and Gale, G. and Hart, H. and Ives, I. and Jay, J. and
                           Kerr, K. and Lamb, L. and Moss, M. and Nash, N. and Orr, O. and
                           Pitt, P. and Quin, Q. and Reid, R. and Shaw, S. and Todd, T.},
                 title = {Twenty Authors}, journal = {Journal of Things}, year = {2001}}
@article{names, author = {Paul, Jean-Paul and Roe, Ma. Cristina and Smith, Jr., John and
                          {\"O}zil, Mesut and Doe, John Q. R. and O'Brien, Pat},
                title = {Names}, journal = {Journal of Things}, year = {2000}}
"""


@pytest.fixture(scope="module")
def refs() -> dict[str, Reference]:
    loaded = bib.parse_string(BIB, "test.bib")
    assert len(loaded) == BIB.count("\n@")  # every entry parsed (some break checks on purpose)
    return dict(loaded.entries)


@pytest.fixture(scope="module")
def suffixes(refs) -> dict[str, str]:
    return apa.year_suffixes(refs.values())


def text(refs, suffixes, key: str) -> str:
    return apa.reference_text(refs[key], suffixes.get(key, ""))


def cite(refs, suffixes, *items: dict, narrative=False, html=False, link=None) -> str:
    citation = Citation(tuple(CiteItem(**i) for i in items), narrative, 0, 1, 1, 1)
    return apa.render_citation(citation, refs, suffixes, html=html, link=link)


# --------------------------------------------------------------------------- entry types


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        # APA 7 §10.1 (Grady et al., 2019); pandoc agrees.
        ("grady2019", "Grady, J. S., Her, M., Moreno, G., Perez, C., & Yelinek, J. (2019). "
         "Emotions in storybooks: A comparison of storybooks that represent ethnic and racial "
         "groups in the United States. Psychology of Popular Media Culture, 8(3), 207–217. "
         "https://doi.org/10.1037/ppm0000185"),
        # APA 7 §10.1 (de Onís, 2017): particle kept with the surname, quotation marks, the
        # period inside them. pandoc prints "Onı́s, C. M. de." (dropping particle).
        ("deonis2017", "de Onís, C. M. (2017). What’s in an “x”?: An exchange about the "
         "politics of “Latinx.” Chiricú Journal: Latina/o Literature, Art, and Culture, 1(2), "
         "78–91. https://doi.org/10.2979/chiricu.1.2.07"),
        # pandoc: 21 or more authors: 19, an ellipsis, the last (APA 7 §9.8).
        ("delsing2019", "Delsing, P., Cleland, A. N., Schuetz, M. J. A., Knörzer, J., "
         "Giedke, G., Cirac, J. I., Srinivasan, K., Wu, M., Balram, K. C., Bäuerle, C., "
         "Meunier, T., Ford, C. J. B., Santos, P. V., Cerda-Méndez, E., Wang, H., "
         "Krenner, H. J., Nysten, E. D. S., Weiß, M., Nash, G. R., … Westerhausen, C. (2019). "
         "The 2019 surface acoustic waves roadmap. J. Phys. D: Appl. Phys., 52(35), 353001. "
         "https://doi.org/10.1088/1361-6463/ab1b04"),
        # pandoc: exactly 20 authors are all listed.
        ("twenty", "Ames, A., Bell, B., Cole, C., Dunn, D., Eade, E., Fry, F., Gale, G., "
         "Hart, H., Ives, I., Jay, J., Kerr, K., Lamb, L., Moss, M., Nash, N., Orr, O., "
         "Pitt, P., Quin, Q., Reid, R., Shaw, S., & Todd, T. (2001). Twenty authors. "
         "Journal of Things."),
        # APA 7 §10.2 (Jackson, 2019), book with edition and DOI; pandoc agrees.
        ("jackson2019", "Jackson, L. M. (2019). The psychology of prejudice: From attitudes "
         "to social action (2nd ed.). American Psychological Association. "
         "https://doi.org/10.1037/0000168-000"),
        # APA 7 §10.2 (Hacker Hughes, 2017), edited book; pandoc agrees.
        ("hackerhughes2017", "Hacker Hughes, J. (Ed.). (2017). Military veteran "
         "psychological health and social care: Contemporary approaches. Routledge."),
        # pandoc (the form of the brief: editors, "(Eds.)", the title in italics).
        ("jacksonrizq2019", "Jackson, C., & Rizq, R. (Eds.). (2019). The industrialisation "
         "of care: Counselling, psychotherapy and the impact of IAPT. PCCS Books."),
        # APA 7 §10.3 (Aron et al., 2019), chapter in an edited book; pandoc agrees.
        ("aron2019", "Aron, L., Botella, M., & Lubart, T. (2019). Culinary arts: Talent and "
         "their development. In R. F. Subotnik, P. Olszewski-Kubilius, & F. C. Worrell "
         "(Eds.), The psychology of high performance: Developing human potential into "
         "domain-specific talent (pp. 345–359). American Psychological Association. "
         "https://doi.org/10.1037/0000120-016"),
        # pandoc: a chapter with no editors, edition, volume and one page.
        ("jones2001", "Jones, A. (2001). A chapter without editors. In A book of chapters "
         "(3rd ed., Vol. 2, p. 5). Wiley."),
        # APA 7 §10.4 (National Cancer Institute, 2019). pandoc prints "(NIH Publication
        # Nos. 18-2059). U.S. Department of Health; Human Services, ...".
        ("nci2019", "National Cancer Institute. (2019). Taking time: Support for people with "
         "cancer (NIH Publication No. 18-2059). U.S. Department of Health and Human "
         "Services, National Institutes of Health. "
         "https://www.cancer.gov/publications/patient-education/takingtime.pdf"),
        # pandoc: grey literature from an organisation (@misc with howpublished).
        ("nhsdigital2023", "NHS Digital. (2023). Psychological therapies, annual report on "
         "the use of IAPT services, 2022-23. NHS Digital. https://digital.nhs.uk/"
         "data-and-information/publications/statistical/psychological-therapies-annual-"
         "reports-on-the-use-of-iapt-services/annual-report-2022-23"),
        # APA 7 §10.16 (World Health Organization, 2018), web page; pandoc agrees.
        ("who2018", "World Health Organization. (2018, May 24). The top 10 causes of death. "
         "https://www.who.int/news-room/fact-sheets/detail/the-top-10-causes-of-death"),
        # APA 7 §10.16 (U.S. Census Bureau, n.d.), retrieval date; pandoc agrees.
        ("census", "U.S. Census Bureau. (n.d.). U.S. and world population clock. U.S. "
         "Department of Commerce. Retrieved July 3, 2019, from https://www.census.gov/popclock/"),
        # APA 7 §10.6 (Harris, 2014), unpublished dissertation; pandoc agrees.
        ("harris2014", "Harris, L. (2014). Instructional leadership perceptions and practices "
         "of elementary school leaders [Unpublished doctoral dissertation]. University of "
         "Virginia."),
        # pandoc: a published dissertation names the university in the brackets.
        ("kabir2016", "Kabir, J. M. (2016). Factors influencing customer satisfaction at a "
         "fast food hamburger chain: The relationship between customer satisfaction and "
         "customer loyalty [Doctoral dissertation, Wilmington University]. "
         "https://www.proquest.com/docview/1830410283"),
        # pandoc: @mastersthesis with no type.
        ("hutcheson2012", "Hutcheson, V. H. (2012). Dealing with dual differences: Social "
         "coping strategies of gifted and lesbian, gay, bisexual, transgender, and queer "
         "adolescents [Master’s thesis]. The College of William & Mary."),
        # pandoc: conference paper (suffix "Jr.", proceedings title in title case).
        ("evans2019", "Evans, A. C., Jr., Garbarino, J., Bocanegra, E., Kinscherff, R. T., & "
         "Márquez-Greene, N. (2019). Gun violence: An event on the power of community. "
         "Proceedings of the APA Annual Convention, 12–19."),
        # pandoc: @unpublished; `x' becomes double quotation marks.
        ("stein2020", "Stein, M. (2020). A draft on “misinformation” and the Internet "
         "[Unpublished manuscript]."),
        # pandoc: @manual with an organization and no author: the title moves forward.
        ("rcore2020", "R: A language and environment for statistical computing. (2020). "
         "R Core Team. https://www.R-project.org/"),
        # pandoc: "in press".
        ("inpress", "Doe, J. (in press). Forthcoming work. Journal of Things."),
        # pandoc: no author (APA 7 §9.12).
        ("anon2005", "Anonymous article about stuff. (2005). Journal of Things."),
        ("handbook2005", "Handbook of Things: A guide. (2005). Things Press."),
        # pandoc: "and others" in the author list.
        ("wu2012", "Wu, L. et al. (2012). Z. Journal of Things."),
        # pandoc: initials of hyphenated and abbreviated given names, suffixes, apostrophes.
        ("names", "Paul, J.-P., Roe, Ma. C., Smith, J., Jr., Özil, M., Doe, J. Q. R., & "
         "O’Brien, P. (2000). Names. Journal of Things."),
    ],
)  # fmt: skip
def test_reference_text(refs, suffixes, key, expected):
    assert text(refs, suffixes, key) == expected


def test_year_suffixes_follow_titles(refs, suffixes):
    # pandoc: "Hobbes, T. (2015a). Aardvark studies." and "(2015b). Zebra studies."
    assert suffixes["hobbes2"] == "a"
    assert suffixes["hobbes1"] == "b"
    assert "hobbes3" not in suffixes  # the undated work has no twin
    assert (
        text(refs, suffixes, "hobbes2")
        == "Hobbes, T. (2015a). Aardvark studies. Journal of Things."
    )
    assert text(refs, suffixes, "hobbes3") == "Hobbes, T. (n.d.). Undated notes. Journal of Things."
    assert set(suffixes) == {"hobbes1", "hobbes2"}


def test_undated_works_get_suffixes_after_nd():
    # pandoc: "Hobbes, T. (n.d.-a). Alpha." and "Hobbes, T. (n.d.-b). Beta."
    b = bib.parse_string(
        "@misc{nd1, author = {Hobbes, Tom}, title = {Beta}}\n"
        "@misc{nd2, author = {Hobbes, Tom}, title = {Alpha}}\n"
    )
    s = apa.year_suffixes(b.entries.values())
    assert apa.reference_text(b["nd2"], s["nd2"]) == "Hobbes, T. (n.d.-a). Alpha."
    assert apa.reference_text(b["nd1"], s["nd1"]) == "Hobbes, T. (n.d.-b). Beta."


IN_PRESS = r"""
@article{smith_bananas, author = {Smith, Jane}, title = {Bananas in the market},
  journal = {Journal of Fruit Studies}, year = {in press}}
@article{smith_apples, author = {Smith, Jane}, title = {Apples of the orchard},
  journal = {Journal of Fruit Studies}, year = {in press}}
@article{smith2019, author = {Smith, Jane}, title = {Cherries}, journal = {Journal of Fruit
  Studies}, year = {2019}}
"""


def test_in_press_works_of_one_author_take_suffixes_after_a_hyphen():
    # APA 7 §8.19: two in-press works by the same author are "(Smith, in press-a, in
    # press-b)", and in the reference list "Smith, J. (in press-a)." pandoc prints "in
    # pressa" for a year = {in press} field (the literal date takes the suffix as a year
    # does) and "in press-a" for pubstate = {inpress}: the oracle agrees with the Manual
    # there (test_apa_oracle.py::test_suffixes_after_words_agree_with_pandoc).
    b = bib.parse_string(IN_PRESS)
    refs = dict(b.entries)
    s = apa.year_suffixes(refs.values())
    assert s == {"smith_apples": "a", "smith_bananas": "b"}
    assert apa.reference_text(refs["smith_apples"], "a") == (
        "Smith, J. (in press-a). Apples of the orchard. Journal of Fruit Studies."
    )
    assert apa.reference_html(refs["smith_bananas"], "b").startswith("Smith, J. (in press-b). ")
    both = [{"key": "smith_bananas"}, {"key": "smith_apples"}, {"key": "smith2019"}]
    assert cite(refs, s, *both) == "(Smith, 2019, in press-a, in press-b)"
    assert cite(refs, s, {"key": "smith_apples", "locator": "p. 4"}, narrative=True) == (
        "Smith (in press-a, p. 4)"
    )
    # a year, a range of years and "n.d." are as before
    assert cite(refs, {"smith2019": "a"}, {"key": "smith2019"}) == "(Smith, 2019a)"


def test_particles_and_literal_names():
    # The particle stays with the surname, as in the Manual's "de Onís, C. M." (APA 7
    # §10.1); pandoc prints "Smit, F., Straten, A. van, & NHS Digital.".
    b = bib.parse_string(
        "@article{b, author = {Smit, Filip and van Straten, Annemieke and {NHS Digital}},"
        " title = {T}, journal = {J}, year = {2013}}"
    )
    assert apa.reference_text(b["b"]).startswith("Smit, F., van Straten, A., & NHS Digital.")


# --------------------------------------------------------------------------- HTML


def test_reference_html_italics_and_doi_link(refs, suffixes):
    # pandoc's HTML for APA 7 §10.1 (Grady et al., 2019), &amp; as html.escape writes it.
    assert apa.reference_html(refs["grady2019"]) == (
        "Grady, J. S., Her, M., Moreno, G., Perez, C., &amp; Yelinek, J. (2019). Emotions in "
        "storybooks: A comparison of storybooks that represent ethnic and racial groups in "
        "the United States. <em>Psychology of Popular Media Culture</em>, <em>8</em>(3), "
        '207–217. <a href="https://doi.org/10.1037/ppm0000185">'
        "https://doi.org/10.1037/ppm0000185</a>"
    )
    # pandoc: book title and thesis title in italics, chapter title not, book title in the
    # source in italics.
    assert apa.reference_html(refs["jackson2019"]).startswith(
        "Jackson, L. M. (2019). <em>The psychology of prejudice: From attitudes to social "
        "action</em> (2nd ed.)."
    )
    assert "<em>Instructional leadership perceptions" in apa.reference_html(refs["harris2014"])
    assert apa.reference_html(refs["aron2019"]).startswith(
        "Aron, L., Botella, M., &amp; Lubart, T. (2019). Culinary arts: Talent and their "
        "development. In R. F. Subotnik, P. Olszewski-Kubilius, &amp; F. C. Worrell (Eds.), "
        "<em>The psychology of high performance: Developing human potential into "
        "domain-specific talent</em> (pp. 345–359)."
    )
    # pandoc: web page title in italics, the URL linked.
    assert apa.reference_html(refs["who2018"]) == (
        "World Health Organization. (2018, May 24). <em>The top 10 causes of death</em>. "
        '<a href="https://www.who.int/news-room/fact-sheets/detail/the-top-10-causes-of-'
        'death">https://www.who.int/news-room/fact-sheets/detail/the-top-10-causes-of-death'
        "</a>"
    )


def test_reference_html_escapes_a_script_title(refs):
    # pandoc: <em>&lt;Script&gt;alert("x")&lt;/script&gt; &amp; friends</em>, quotation
    # marks escaped as html.escape does.
    out = apa.reference_html(refs["xss2020"])
    assert out.startswith(
        "Evil, E. (2020). <em>&lt;Script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
        "friends</em>. Hacker &lt;Press&gt;. "
    )
    assert "<script" not in out.lower()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>", "ftp://x"]
)
def test_only_http_urls_are_linked(url):
    # pandoc links "javascript:alert(1)" (as https://javascript:alert(1)); toulmin never
    # links a scheme other than http and https. The text is pandoc's.
    b = bib.parse_string(f"@misc{{m, title = {{Page}}, year = {{2020}}, url = {{{url}}}}}")
    out = apa.reference_html(b["m"])
    assert "<a " not in out and "href" not in out
    assert apa.reference_text(b["m"]) == f"Page. (2020). {url}"
    ok = bib.parse_string("@misc{m, title = {Page}, year = {2020}, url = {http://x.org/a?b=1&c=2}}")
    assert apa.reference_html(ok["m"]).endswith(
        '<a href="http://x.org/a?b=1&amp;c=2">http://x.org/a?b=1&amp;c=2</a>'
    )


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("title", "journal", "expected"),
    [
        # pandoc: brace-protected words keep their case, words with inner capitals too,
        # the word after a colon or question mark is capitalized.
        ("Predicting Patient Engagement in {IAPT} Services: a Statistical Analysis",
         "evidence-based mental health",
         "Predicting patient engagement in IAPT services: A statistical analysis. "
         "Evidence-Based Mental Health."),
        ("What Works? {A} Study of `Stuff' in the {UK}.", "journal of the american way",
         "What works? A study of “stuff” in the UK. Journal of the American Way."),
        ("`Quoted' start: and {iPhone} and the end", "Physics",
         "“Quoted” start: And iPhone and the end. Physics."),
        # pandoc (citeproc): the last word after a colon is not capitalized.
        ("Part 1: Introduction", "Physics", "Part 1: introduction. Physics."),
        ("(Hello) World and (New) Things O'Brien", "studies (new series) in physics",
         "(Hello) world and (new) things o’brien. Studies (New Series) in Physics."),
        ("Über ÉLAN in {Ö}kologie Schrödinger", "physik über alles",
         "Über ÉLAN in Ökologie schrödinger. Physik Über Alles."),
        ("2D Materials and 3d Things of 2D", "2D materials", "2D materials and 3d things of "
         "2D. 2D Materials."),
    ],
)  # fmt: skip
def test_title_casing_follows_pandoc(title, journal, expected):
    b = bib.parse_string(
        f"@article{{t, author = {{A, B.}}, title = {{{title}}}, journal = {{{journal}}}, "
        "year = {2000}}"
    )
    assert apa.reference_text(b["t"]) == "A, B. (2000). " + expected


def test_non_english_titles_keep_their_case():
    # pandoc: langid = {german} turns sentence case off.
    b = bib.parse_string(
        "@book{g, author = {A, B.}, title = {Über die Dinge}, langid = {german},"
        " publisher = {Springer}, year = {2004}}"
    )
    assert apa.reference_text(b["g"]) == "A, B. (2004). Über die Dinge. Springer."


# --------------------------------------------------------------------------- in text


@pytest.mark.parametrize(
    ("items", "narrative", "expected"),
    [
        # APA 7 §8.17, Table 8.1 (parenthetical and narrative).
        ([{"key": "luna2020"}], False, "(Luna, 2020)"),
        ([{"key": "luna2020"}], True, "Luna (2020)"),
        ([{"key": "salas2020"}], False, "(Salas & D’Agostino, 2020)"),
        # pandoc prints "Salas & D’Agostino (2020)".
        ([{"key": "salas2020"}], True, "Salas and D’Agostino (2020)"),
        ([{"key": "martin2020"}], False, "(Martin et al., 2020)"),
        ([{"key": "martin2020"}], True, "Martin et al. (2020)"),
        # APA 7 §8.18: names added until the two works differ; pandoc agrees.
        ([{"key": "kapoor2017a"}, {"key": "kapoor2017b"}], False,
         "(Kapoor, Bloom, Montez, et al., 2017; Kapoor, Bloom, Zucker, et al., 2017)"),
        ([{"key": "kapoor2017a"}], True, "Kapoor, Bloom, Montez, et al. (2017)"),
        # APA 7 §8.20: initials for first authors sharing a surname; pandoc agrees.
        ([{"key": "taylor2015"}, {"key": "taylor2014"}], False,
         "(J. M. Taylor & Neimeyer, 2015; T. Taylor, 2014)"),
        ([{"key": "jacksonrizq2019"}], False, "(C. Jackson & Rizq, 2019)"),
        # APA 7 §8.12, §8.19: one author's works grouped, years in reference-list order.
        # (pandoc: "(Hobbes, n.d., 2015b, 2015a)", citation order not by suffix.)
        ([{"key": "hobbes1"}, {"key": "hobbes2"}, {"key": "hobbes3"}], False,
         "(Hobbes, n.d., 2015a, 2015b)"),
        # pandoc: prefix, locators (§8.13), chapter as a word.
        ([{"key": "grady2019", "prefix": "see", "locator": "p. 210"},
          {"key": "jackson2019", "locator": "chap. 2"}], False,
         "(see Grady et al., 2019, p. 210; L. M. Jackson, 2019, Chapter 2)"),
        ([{"key": "grady2019", "locator": "pp. 207-209", "suffix": "for a review"}], False,
         "(Grady et al., 2019, pp. 207–209, for a review)"),
        ([{"key": "grady2019", "locator": "para. 4"}], False, "(Grady et al., 2019, para. 4)"),
        ([{"key": "grady2019", "locator": "p. 210"}], True, "Grady et al. (2019, p. 210)"),
        ([{"key": "grady2019", "suppress_author": True}], False, "(2019)"),
        # pandoc: several works, sorted; the same work twice.
        ([{"key": "who2018"}, {"key": "census"}, {"key": "rcore2020"}], False,
         "(R, 2020; U.S. Census Bureau, n.d.; World Health Organization, 2018)"),
        ([{"key": "luna2020", "locator": "pp. 3-5"}, {"key": "luna2020", "locator": "p. 7"}],
         False, "(Luna, 2020, pp. 3–5; 2020, p. 7)"),
        # APA 7 §8.14 / pandoc: no author: the title, quoted or italic, in title case.
        ([{"key": "anon2005"}], False, "(“Anonymous Article about Stuff,” 2005)"),
        ([{"key": "anon2005"}], True, "“Anonymous Article about Stuff” (2005)"),
        ([{"key": "handbook2005"}], False, "(Handbook of Things, 2005)"),
        # pandoc: group author, editor in place of an author, "and others".
        ([{"key": "nci2019"}], False, "(National Cancer Institute, 2019)"),
        ([{"key": "hackerhughes2017"}], False, "(Hacker Hughes, 2017)"),
        ([{"key": "wu2012"}], False, "(Wu et al., 2012)"),
        # APA 7 §10.1 (de Onís, 2017); pandoc prints "(Onı́s, 2017)".
        ([{"key": "deonis2017"}], False, "(de Onís, 2017)"),
        # pandoc: a key that is not in the reference list.
        ([{"key": "nosuch"}, {"key": "luna2020"}], False, "(Luna, 2020; nosuch?)"),
    ],
)  # fmt: skip
def test_render_citation_text(refs, suffixes, items, narrative, expected):
    assert cite(refs, suffixes, *items, narrative=narrative) == expected


def test_narrative_citation_of_several_works(refs, suffixes):
    # pandoc, for "@salas2020 and @hobbes2 [-@hobbes1]" and "@luna2020, @martin2020, and
    # @wu2012", with "and" for its "&" in running text (APA 7 §8.17).
    out = cite(
        refs, suffixes, {"key": "salas2020"}, {"key": "hobbes2"}, {"key": "hobbes1"}, narrative=True
    )
    assert out == "Salas and D’Agostino (2020) and Hobbes (2015a, 2015b)"
    out = cite(
        refs,
        suffixes,
        {"key": "luna2020"},
        {"key": "martin2020"},
        {"key": "wu2012"},
        narrative=True,
    )
    assert out == "Luna (2020), Martin et al. (2020), and Wu et al. (2012)"


def test_render_citation_html_links_and_escapes(refs, suffixes):
    def link(key: str, inner: str) -> str:
        return f'<a href="#ref-{key}">{inner}</a>'

    out = cite(
        refs, suffixes, {"key": "salas2020", "prefix": "see <i>"}, {"key": "hobbes2"},
        {"key": "hobbes1", "locator": "p. 3"}, {"key": "no<such>"}, html=True, link=link,
    )  # fmt: skip
    assert out == (
        '(<a href="#ref-hobbes2">Hobbes, 2015a</a>, <a href="#ref-hobbes1">2015b, p. 3</a>; '
        'see &lt;i&gt; <a href="#ref-salas2020">Salas &amp; D’Agostino, 2020</a>; '
        '<strong class="toulmin-missing">no&lt;such&gt;</strong>)'
    )
    # pandoc: the short title of a book in italics.
    assert cite(refs, suffixes, {"key": "handbook2005"}, html=True) == (
        "(<em>Handbook of Things</em>, 2005)"
    )
    assert cite(refs, suffixes, {"key": "missing"}, narrative=True, html=True) == (
        '<strong class="toulmin-missing">missing</strong>'
    )


def test_render_citation_never_raises_on_missing_keys():
    citation = Citation((CiteItem(key="a"), CiteItem(key="b", locator="p. 3")), False, 0, 1, 1, 1)
    assert apa.render_citation(citation, {}, {}, html=False) == "(a?; b?)"


# --------------------------------------------------------------------------- helpers


def test_author_short(refs):
    # pandoc's in-text author parts (the narrative "and": APA 7 §8.17).
    assert apa.author_short(refs["grady2019"], narrative=False) == "Grady et al."
    assert apa.author_short(refs["salas2020"], narrative=False) == "Salas & D’Agostino"
    assert apa.author_short(refs["salas2020"], narrative=True) == "Salas and D’Agostino"
    assert apa.author_short(refs["nci2019"], narrative=True) == "National Cancer Institute"
    assert apa.author_short(refs["jacksonrizq2019"], narrative=False) == "Jackson & Rizq"
    assert apa.author_short(refs["anon2005"], narrative=False) == (
        "“Anonymous Article about Stuff”"
    )
    assert apa.author_short(refs["handbook2005"], narrative=True) == "Handbook of Things"


def test_disambiguate_names(refs):
    # APA 7 §8.18: three names tell the two Kapoor et al. (2017) works apart.
    assert apa.disambiguate_names(refs.values()) == {"kapoor2017a": 3, "kapoor2017b": 3}


def test_sort_key_orders_the_reference_list():
    """APA 7 §9.44–9.48: letter by letter, nothing precedes something; one author before
    several; n.d., then years, then in press; same date by title; no author by title,
    ignoring "A", "An", "The"."""
    b = bib.parse_string(
        r"""
        @article{browning, author = {Browning, A. R.}, title = {B}, journal = {J}, year = {2015}}
        @article{brown, author = {Brown, J. R.}, title = {A}, journal = {J}, year = {2017}}
        @article{brown2, author = {Brown, J. R. and Alpha, Z.}, title = {C}, journal = {J},
                 year = {2001}}
        @article{brownnd, author = {Brown, J. R.}, title = {D}, journal = {J}}
        @article{brownip, author = {Brown, J. R.}, title = {E}, journal = {J},
                 year = {in press}}
        @article{brownb, author = {Brown, J. R.}, title = {Zeta}, journal = {J}, year = {2017}}
        @article{anon, title = {The Cat Study}, journal = {J}, year = {2000}}
        @article{apa, author = {{American Psychological Association}}, title = {F},
                 journal = {J}, year = {2020}}
        @article{particle, author = {van Straten, Annemieke}, title = {G}, journal = {J},
                 year = {2013}}
        """
    )
    s = apa.year_suffixes(b.entries.values())
    assert s == {"brown": "a", "brownb": "b"}
    order = sorted(b.entries, key=lambda k: apa.sort_key(b[k], s.get(k, "")))
    assert order == [
        "apa", "brownnd", "brown", "brownb", "brownip", "brown2", "browning", "anon",
        "particle",
    ]  # fmt: skip


def test_no_regex_compiled_in_functions():
    source = "".join(p.read_text(encoding="utf-8") for p in Path(apa.__file__).parent.glob("*.py"))
    assert not re.findall(
        r"^[ \t]+.*\bre\.(?:compile|match|search|sub|split|findall)\(", source, re.M
    )
