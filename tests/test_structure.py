"""CV structure: sections, contact details, date ranges, experience years, degree and titles."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import TaxonomyError
from scanner.records import DEGREE_LEVELS, Document, LayoutFacts
from scanner.structure import (
    heading_key,
    load_section_headings,
    parse_date_ranges,
    parse_section_headings,
    parse_structure,
)

TODAY = (2025, 6)

# A small heading list of our own, so these tests do not depend on the packaged list's contents.
HEADINGS: dict[str, str] = {
    heading_key(h): s
    for s, hs in {
        "summary": ["Summary", "Professional Summary", "Profile", "Objective"],
        "experience": ["Experience", "Work Experience", "Professional Experience", "Work History"],
        "education": ["Education", "Education and Training"],
        "skills": ["Skills", "Highlights", "Technical Skills"],
        "projects": ["Projects"],
        "languages": ["Languages"],
        "certifications": ["Certifications"],
        "contact": ["Contact", "Contact Details"],
    }.items()
    for h in hs
}


def doc(text: str, *, header: tuple[str, ...] = (), footer: tuple[str, ...] = ()) -> Document:
    return Document(
        source="t.txt", format="text", text=text, layout=LayoutFacts(header_text=header, footer_text=footer)
    )


# --- date ranges ------------------------------------------------------------------------------------------

# (text, start, end (None = present), style)
DATE_CASES = [
    ("Jan 2021 – Present", (2021, 1), None, "Mon YYYY"),
    ("January 2021 - Current", (2021, 1), None, "Month YYYY"),
    ("2019-2021", (2019, None), (2021, None), "YYYY"),
    ("2019 – 2021", (2019, None), (2021, None), "YYYY"),
    ("2019 — 2021", (2019, None), (2021, None), "YYYY"),
    ("03/2020 – 05/2022", (2020, 3), (2022, 5), "MM/YYYY"),
    ("03/2020 - now", (2020, 3), None, "MM/YYYY"),
    ("Mar. 2018 to Jun. 2019", (2018, 3), (2019, 6), "Mon YYYY"),
    ("2018 – present", (2018, None), None, "YYYY"),
    ("Sept 2018 – May 2023", (2018, 9), (2023, 5), "Mon YYYY"),
    ("May 2019 – September 2021", (2019, 5), (2021, 9), "Month YYYY"),
    ("Feb 2015 until Dec 2016", (2015, 2), (2016, 12), "Mon YYYY"),
    ("03/20 – 05/22", (2020, 3), (2022, 5), "MM/YY"),
    ("Acme Corp, Senior Engineer (Jan 2020 — Mar 2022)", (2020, 1), (2022, 3), "Mon YYYY"),
    ("June 2026 – Sept 2026", (2026, 6), (2026, 9), "Month YYYY"),  # expected graduation: today + 1 allowed
]

# Not ranges at all.
NOT_RANGES = [
    "May 2020",  # a single date
    "13/2020 – 05/2021",  # month 13
    "2021 - 2019",  # end before start
    "Mar 2022 – Jan 2022",
    "1920 – 1925",  # before 1950
    "2019 – 2031",  # after today + 1
    "Summer 2019 – 2020",  # seasons are skipped
    "Sept 2027 – Present",  # starts in the future
    "Call 212-2015-2019",  # digits of a phone number
    "Revenue grew from 1200-1500 units",
]


@pytest.mark.parametrize(("text", "start", "end", "style"), DATE_CASES)
def test_date_range_formats(
    text: str, start: tuple[int, int | None], end: tuple[int, int | None] | None, style: str
) -> None:
    (rng,) = parse_date_ranges([text], today=TODAY)
    assert (rng.start, rng.end, rng.style, rng.line) == (start, end, style, 0)
    assert rng.text in text


@pytest.mark.parametrize("text", NOT_RANGES)
def test_not_a_date_range(text: str) -> None:
    assert parse_date_ranges([text], today=TODAY) == ()


def test_range_split_over_lines() -> None:
    lines = [
        "Financial Accountant",
        "05/2012",
        " ",
        "to ",
        "05/2015",
        "Company Name",
        "06/2001",
        "to",
        "Current",
    ]
    ranges = parse_date_ranges(lines, today=TODAY)
    assert [(r.start, r.end, r.line) for r in ranges] == [((2012, 5), (2015, 5), 1), ((2001, 6), None, 6)]


def test_range_line_numbers_and_order() -> None:
    ranges = parse_date_ranges(["x", "2010 – 2012 and 2014 – 2016", "", "Jan 2020 - Feb 2020"], today=TODAY)
    assert [(r.line, r.start[0]) for r in ranges] == [(1, 2010), (1, 2014), (3, 2020)]


EXPERIENCE_CASES = [
    # overlapping jobs are merged: Jan 2018–Dec 2020 and Jun 2019–Jun 2021 cover Jan 2018–Jun 2021
    ("Experience\nEngineer\nJan 2018 – Dec 2020\nConsultant\nJun 2019 – Jun 2021", 3.5),
    # the current job runs to `today` (June 2025): 18 months
    ("Experience\nEngineer\nJan 2024 – Present", 1.5),
    # year-only ranges count whole years
    ("Work History\nAnalyst\n2015 – 2019", 4.0),
    # ranges in the education section are not experience
    ("Education\nBSc Physics\n2005 – 2009\nExperience\nEngineer\nJan 2020 – Dec 2020", 1.0),
    # no section at all: the whole document counts
    ("Engineer at Acme, 2010 – 2012\nAnalyst at Beta, 2012 – 2013", 3.0),
    ("Experience\nEngineer at Acme", None),
]


@pytest.mark.parametrize(("text", "years"), EXPERIENCE_CASES)
def test_experience_years(text: str, years: float | None) -> None:
    assert parse_structure(doc(text), headings=HEADINGS, today=TODAY).experience_years == years


def test_education_ranges_still_reported() -> None:
    st = parse_structure(
        doc("Education\nBSc, 2005 – 2009\nExperience\nJan 2020 – Dec 2020"), headings=HEADINGS
    )
    assert [r.start for r in st.date_ranges] == [(2005, None), (2020, 1)]


# --- sections ---------------------------------------------------------------------------------------------

# (CV text, [(name, heading as written, start line, recognised)])
SECTION_CASES = [
    (
        "Jane Doe\nSummary\nData person.\nPROFESSIONAL EXPERIENCE\nAcme\nEDUCATION\nBSc\nSKILLS:\nPython",
        [("summary", "Summary", 1, True), ("experience", "PROFESSIONAL EXPERIENCE", 3, True),
         ("education", "EDUCATION", 5, True), ("skills", "SKILLS:", 7, True)],
    ),
    (
        "E X P E R I E N C E\nAcme\nW O R K   H I S T O R Y\nBeta\nE D U C A T I O N\nMIT",
        [("experience", "E X P E R I E N C E", 0, True), ("experience", "W O R K   H I S T O R Y", 2, True),
         ("education", "E D U C A T I O N", 4, True)],
    ),
    (
        "1. Experience\nAcme\n• Education & Training\nMIT\n## Projects\nA compiler\n— Languages —\nFrench",
        [("experience", "1. Experience", 0, True), ("education", "• Education & Training", 2, True),
         ("projects", "## Projects", 4, True), ("languages", "— Languages —", 6, True)],
    ),
    (
        "Experience\nAcme\nSkills: Python, SQL, Docker\nLanguages | English, French",
        [("experience", "Experience", 0, True), ("skills", "Skills", 2, True), ("languages", "Languages", 3, True)],
    ),
    (  # not in the list, but the last word names the section
        "Relevant Experience\nAcme\nComputer Skills\nExcel",
        [("experience", "Relevant Experience", 0, True), ("skills", "Computer Skills", 2, True)],
    ),
    (  # unknown ALL CAPS heading in a CV whose headings are ALL CAPS
        "EXPERIENCE\nAcme\nLEADERSHIP AND OUTREACH\nChess club captain\nEDUCATION\nMIT",
        [("experience", "EXPERIENCE", 0, True), ("other", "LEADERSHIP AND OUTREACH", 2, False),
         ("education", "EDUCATION", 4, True)],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), SECTION_CASES)
def test_sections(text: str, expected: list[tuple[str, str, int, bool]]) -> None:
    st = parse_structure(doc(text), headings=HEADINGS, today=TODAY)
    assert [(s.name, s.heading, s.start_line, s.recognised) for s in st.sections] == expected


def test_section_bounds() -> None:
    st = parse_structure(doc("Name\nExperience\nA\nB\nEducation\nC"), headings=HEADINGS, today=TODAY)
    exp, edu = st.section("experience"), st.section("education")
    assert exp is not None and edu is not None
    assert (exp.start_line, exp.end_line, edu.start_line, edu.end_line) == (1, 4, 4, 6)


NO_HEADING_TEXTS = [
    # a sentence that contains heading words
    "I have experience in education and skills.\nMore text here.",
    # a heading word that is the wrapped end of a sentence
    "Worked for ten years on projects that needed a great deal of practical\nexperience\nand more.",
    "Managed the team.\nStrong Communication Skills\nTeam player",  # a list item, not a heading
    "Elementary Education\nTaught children.",  # a field of study
    "Engineering Manager\nRan a team of 12.",  # Title Case job titles are not unknown headings
    "Education.\nNot a heading: it ends a sentence.",
]


@pytest.mark.parametrize("text", NO_HEADING_TEXTS)
def test_no_false_heading(text: str) -> None:
    assert parse_structure(doc(text), headings=HEADINGS, today=TODAY).sections == ()


def test_heading_key_normalises() -> None:
    assert heading_key(" 2) Education & Training: ") == "education and training"
    assert heading_key("W O R K   E X P E R I E N C E") == "work experience"
    assert heading_key("■ SKILLS —") == "skills"


def test_packaged_heading_list_loads() -> None:
    table = load_section_headings()
    assert table[heading_key("Work Experience")] == "experience"
    assert table[heading_key("EDUCATION")] == "education"
    assert set(table.values()) <= {
        "summary", "experience", "education", "skills", "projects", "certifications", "publications", "awards",
        "languages", "volunteering", "interests", "references", "contact", "training", "activities",
        "affiliations",
    }  # fmt: skip


def test_default_headings_are_the_packaged_list() -> None:
    st = parse_structure(doc("Name\nWork Experience\nAcme\nEducation\nMIT"), today=TODAY)
    assert [s.name for s in st.sections] == ["experience", "education"]


def test_heading_list_parse_and_problems() -> None:
    table = parse_section_headings("# comment\nsection,heading\nskills,Tech Stack\n\nsummary,About Me\n")
    assert table == {"tech stack": "skills", "about me": "summary"}
    with pytest.raises(TaxonomyError) as info:
        parse_section_headings("section,heading\nhobbyz,Fun\nskills\nskills,Tools\nsummary,TOOLS\n")
    assert [p.line for p in info.value.problems] == [2, 3, 5]
    with pytest.raises(TaxonomyError):
        parse_section_headings("name,heading\nskills,Tools\n")


# --- contact ----------------------------------------------------------------------------------------------

PHONE_CASES = [
    ("Phone: +44 20 7946 0958", "+44 20 7946 0958"),
    ("+1 (415) 555-0100", "+1 (415) 555-0100"),
    ("(415) 555-0100", "(415) 555-0100"),
    ("415.555.0100", "415.555.0100"),
    ("415-555-0100", "415-555-0100"),
    ("07700 900123", "07700 900123"),
    ("+49-30-1234567", "+49-30-1234567"),
    ("Tel: 5551234", "5551234"),
    ("Mobile 555-1234", "555-1234"),
    ("2019 - 2021", None),  # a date range
    ("Jan 2019 – Dec 2021", None),
    ("Grew revenue to $10,000.000.00", None),
    ("GPA 3.64 1996", None),
]


@pytest.mark.parametrize(("line", "phone"), PHONE_CASES)
def test_phone(line: str, phone: str | None) -> None:
    st = parse_structure(doc(f"Jane Doe\n{line}\njane@x.io"), headings=HEADINGS, today=TODAY)
    assert st.contact.phone == phone


LINK_CASES = [
    ("linkedin.com/in/jane-doe", ("linkedin.com/in/jane-doe",)),
    ("https://www.linkedin.com/in/jane-doe/", ("https://www.linkedin.com/in/jane-doe",)),
    ("github.com/janedoe | https://janedoe.dev", ("github.com/janedoe", "https://janedoe.dev")),
    ("http://github.com/janedoe", ("http://github.com/janedoe",)),
    ("Portfolio: janedoe.com", ("janedoe.com",)),
    ("Skilled in Node.js and ASP.NET", ()),
]


@pytest.mark.parametrize(("line", "links"), LINK_CASES)
def test_links(line: str, links: tuple[str, ...]) -> None:
    st = parse_structure(doc(f"Jane Doe\njane.doe@mail.com\n{line}"), headings=HEADINGS, today=TODAY)
    assert st.contact.links == links


def test_contact_block() -> None:
    text = (
        "Jane Q. Doe\nSenior Data Scientist\nSan Francisco, CA | jane.doe@example.com | (415) 555-0100\n"
        "Summary\nBuilt things. Visited Boston, MA in 2019.\nExperience\nEmployer website www.acme.com"
    )
    c = parse_structure(doc(text), headings=HEADINGS, today=TODAY).contact
    assert (c.name, c.email, c.phone, c.location) == (
        "Jane Q. Doe",
        "jane.doe@example.com",
        "(415) 555-0100",
        "San Francisco, CA",
    )
    assert c.links == ()  # a site far below the contact block is an employer's, not a portfolio
    assert c.in_header_footer_only == ()


@pytest.mark.parametrize(
    ("top", "name"),
    [
        ("JANE DOE\njane@x.io", "JANE DOE"),
        ("Maria de la Cruz\njane@x.io", "Maria de la Cruz"),
        ("FINANCIAL ACCOUNTANT\njane@x.io", None),  # a job title, not a name
        ("Professional Summary\njane@x.io", None),  # a heading
        ("Jane Doe\nData work", None),  # no contact details beside it: likely not a name
        ("Curriculum Vitae\nJohn Smith\njohn@x.io", "John Smith"),
    ],
)
def test_name(top: str, name: str | None) -> None:
    assert parse_structure(doc(top), headings=HEADINGS, today=TODAY).contact.name == name


def test_contact_heading_under_the_name_is_part_of_the_contact_block() -> None:
    # A sidebar layout: name and title, then a "CONTACT" section holding the details.
    text = ("Jane Doe\nData Scientist\nCONTACT\nBerlin, Germany\njane@x.io\nportfolio.dev\n"
            "EXPERIENCE\nVisited Boston, MA\nwww.acme.com")
    c = parse_structure(doc(text), headings=HEADINGS, today=TODAY).contact
    assert (c.name, c.location, c.links) == ("Jane Doe", "Berlin, Germany", ("portfolio.dev",))
    # Any other heading still ends the block: its lines are no longer the candidate's own details.
    c = parse_structure(doc(text.replace("CONTACT", "SUMMARY")), headings=HEADINGS, today=TODAY).contact
    assert (c.name, c.location, c.links) == (None, None, ())


def test_icon_glyphs_separate_contact_fields() -> None:
    # Icon fonts (Font Awesome ...) draw private-use characters between the fields.
    line = "\uf3c5 San Francisco, CA \uf0e0 jane@x.io \uf0c1 jane.dev"
    c = parse_structure(doc(f"Jane Doe\n{line}"), headings=HEADINGS, today=TODAY).contact
    assert (c.name, c.location, c.email) == ("Jane Doe", "San Francisco, CA", "jane@x.io")


def test_location_country_and_conservative() -> None:
    st = parse_structure(doc("Jane Doe\nBerlin, Germany · jane@x.io"), headings=HEADINGS, today=TODAY)
    assert st.contact.location == "Berlin, Germany"
    st = parse_structure(doc("Jane Doe\nSkilled in Mac OS, MS Office\njane@x.io"), headings=HEADINGS)
    assert st.contact.location is None


def test_contact_only_in_header_footer() -> None:
    d = doc(
        "Jane Doe\nExperience\nEngineer, 2019 – 2021",
        header=("jane.doe@example.com | +44 20 7946 0958",),
        footer=("linkedin.com/in/janedoe",),
    )
    c = parse_structure(d, headings=HEADINGS, today=TODAY).contact
    assert (c.email, c.phone, c.links) == (
        "jane.doe@example.com",
        "+44 20 7946 0958",
        ("linkedin.com/in/janedoe",),
    )
    assert c.in_header_footer_only == ("email", "phone", "links")


def test_contact_in_body_and_header_not_flagged() -> None:
    d = doc("Jane Doe\njane.doe@example.com", header=("jane.doe@example.com",))
    c = parse_structure(d, headings=HEADINGS, today=TODAY).contact
    assert c.email == "jane.doe@example.com"
    assert c.in_header_footer_only == ()


# --- degrees ----------------------------------------------------------------------------------------------

DEGREE_CASES = [
    ("Education\nPh.D. in Computer Science, MIT", "phd"),
    ("Education\nPhD Princeton University\nBS Boğaziçi University", "phd"),
    ("Education\nDoctor of Philosophy, Chemistry", "phd"),
    ("Education\nDPhil, Oxford", "phd"),
    ("Education\nMSc Data Science, UCL", "master"),
    ("Education\nM.S. Electrical Engineering", "master"),
    ("Education\nMS in Statistics", "master"),
    ("Education\nMaster of Business Administration (MBA)", "master"),
    ("Education\nMasters in Education", "master"),
    ("Education\nMA, History\nBA, History", "master"),
    ("Education\nM.Eng Mechanical Engineering", "master"),
    ("Education\nBachelor of Science\nBiology", "bachelor"),
    ("Education\nB.Sc. (Hons) Physics", "bachelor"),
    ("Education\nBS Computer Science", "bachelor"),
    ("Education\nB.A. English", "bachelor"),
    ("Education\nB.Tech, IIT Delhi", "bachelor"),
    ("Education\nBEng Civil Engineering", "bachelor"),
    ("Education\nAssociate of Applied Science: Nursing", "associate"),
    ("Education\nA.A. General Studies", "associate"),
    ("Education\nHigh School Diploma", "high_school"),
    ("Education\nGED", "high_school"),
    ("Education\nLincoln High School, 2010", "high_school"),
    # false friends
    ("Skills\nMS Office, MS Excel, MS SQL Server, MS Word", None),
    ("Experience\nOffice in Boston, MA 02115", None),
    ("Experience\nScrum Master in three agile teams", None),
    ("Experience\nSales Associate in a retail store", None),
    ("Summary\nI call BS on vanity metrics", None),
    # the education section is preferred over the rest of the text
    ("Summary\nMentored PhD students\nEducation\nBSc Biology", "bachelor"),
    # with no degree in the education section, the whole text is searched
    ("Summary\nHolds a Master's degree in Accounting\nEducation\nCoursework at Acme", "master"),
]


@pytest.mark.parametrize(("text", "degree"), DEGREE_CASES)
def test_highest_degree(text: str, degree: str | None) -> None:
    st = parse_structure(doc(text), headings=HEADINGS, today=TODAY)
    assert st.highest_degree == degree
    assert degree is None or degree in DEGREE_LEVELS


# --- titles -----------------------------------------------------------------------------------------------


def test_titles_headline_and_jobs_most_recent_first() -> None:
    text = (
        "Jane Doe\nSenior Data Scientist\njane@x.io\nExperience\n"
        "Data Analyst, Beta Ltd\nJan 2015 – Dec 2017\n• Did analysis\n"
        "Acme Inc – London, UK    Jan 2018 – Present\nSenior Data Scientist\n• Built models\n"
        "Education\nBSc Statistics\n2011 – 2014"
    )
    st = parse_structure(doc(text), headings=HEADINGS, today=TODAY)
    assert st.titles == ("Senior Data Scientist", "Data Analyst")


def test_titles_with_dates_first_layout() -> None:
    text = "Experience\n05/2012\nto\n05/2015\nFinancial Accountant\nCompany Name\n09/2011\nto\n05/2012\nAssistant Accountant"
    st = parse_structure(doc(text), headings=HEADINGS, today=TODAY)
    assert st.titles == ("Financial Accountant", "Assistant Accountant")


def test_titles_skip_company_placeholders_and_sentences() -> None:
    text = "Experience\nCompany Name\nJan 2020 – Dec 2021\nManaged the sales team of twelve people."
    assert parse_structure(doc(text), headings=HEADINGS, today=TODAY).titles == ()


def test_today_defaults_to_current_date() -> None:
    st = parse_structure(doc("Experience\nEngineer\nJan 2020 – Present"), headings=HEADINGS)
    assert st.experience_years is not None and st.experience_years >= 5.0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["linkedin.com/in/jane", "LinkedIn", "github.com/x", "jane.github.io", "gitlab",
                                 "Tel", "tel.", "Phone:", "Mob", "ph", "cell", " ", "/", "-", "@", "jane@x.org",
                                 "+44 20 7946 0958", "555-123-4567", "www.", "https://", "ı", "x"]), max_size=8))
def test_contact_prefilters_skip_only_texts_without_a_match(parts: list[str]) -> None:
    from scanner.normalize import lacks_words
    from scanner.structure.contact import _LABELLED_PHONE, _PHONE_LABELS, _PROFILE_SITES, _URL

    text = "".join(parts)
    if lacks_words(_PROFILE_SITES, text):
        assert _URL.search(text) is None
    if lacks_words(_PHONE_LABELS, text):
        assert _LABELLED_PHONE.search(text) is None
