"""The plain-language and accessibility checks of rich text (core/contentchecks.py): pure functions."""

import pytest
from django.utils import translation

from core.contentchecks import Readability, Report, check_text, split_sentences


def kinds(html):
    return [finding.kind for finding in check_text(html).findings]


# Readability (LIX) ----------------------------------------------------------------------------


def test_lix_of_an_easy_text():
    # "Wij helpen mensen in armoede." 5 words, long (more than 6 letters): armoede.
    # "Samen vragen wij betere regels aan de overheid." 8 words, long: overheid.
    # 13 words, 2 sentences, 2 long: 13/2 + 100*2/13 = 6.5 + 15.38 = 21.88 -> 22, very easy.
    report = check_text("<p>Wij helpen mensen in armoede. Samen vragen wij betere regels aan de overheid.</p>")
    assert report.readability == Readability(lix=22, words=13, sentences=2, long_words=2)
    with translation.override("nl"):
        assert report.readability.level == "zeer makkelijk"
    assert not report.readability.is_hard


def test_lix_of_a_hard_text():
    # One sentence of 10 words; long: beleidsmatige, implementatie, armoedebestrijdingsmaatregelen,
    # vereist (7 letters), intersectorale, samenwerking, overheidsinstanties = 7 (tussen has 6).
    # 10/1 + 100*7/10 = 10 + 70 = 80, very difficult.
    report = check_text(
        "<p>De beleidsmatige implementatie van armoedebestrijdingsmaatregelen vereist intersectorale "
        "samenwerking tussen overheidsinstanties.</p>"
    )
    assert report.readability == Readability(lix=80, words=10, sentences=1, long_words=7)
    with translation.override("nl"):
        assert report.readability.level == "zeer moeilijk"
    assert report.readability.is_hard


def test_headings_and_list_items_end_a_sentence_without_a_full_stop():
    # "Wie zijn wij" (3) / "Wij helpen" (2) / "Wij luisteren" (2): 7 words, 3 sentences, 1 long
    # (luisteren): 7/3 + 100/7 = 2.33 + 14.29 = 16.62 -> 17.
    report = check_text("<h2>Wie zijn wij</h2><ul><li>Wij helpen</li><li>Wij luisteren</li></ul>")
    assert report.readability == Readability(lix=17, words=7, sentences=3, long_words=1)


@pytest.mark.parametrize(
    ("lix", "level"),
    [
        (24, "zeer makkelijk"),
        (25, "makkelijk"),
        (34, "makkelijk"),
        (35, "gemiddeld"),
        (44, "gemiddeld"),
        (45, "moeilijk"),
        (54, "moeilijk"),
        (55, "zeer moeilijk"),
    ],
)
def test_lix_levels(lix, level):
    with translation.override("nl"):
        assert Readability(lix=lix, words=10, sentences=1, long_words=0).level == level


def test_abbreviations_do_not_end_a_sentence_but_a_capital_after_a_full_stop_does():
    assert split_sentences("Er zijn o.a. de buurthuizen. Kom langs: Wij zijn er.") == [
        "Er zijn o.a. de buurthuizen.",
        "Kom langs:",
        "Wij zijn er.",
    ]


def test_a_text_without_words_has_no_figure_and_no_findings():
    report = check_text("<p> </p>")
    assert report.readability is None
    assert report.findings == ()
    assert not report


def test_the_report_never_blocks():
    assert Report.blocking is False
    assert check_text("<h4>klik</h4><p><a href='x.pdf'>hier</a></p>").blocking is False


def test_a_long_text_is_read_in_one_pass():
    """2,000 words: every word is counted once (the checks stay linear in the text's length)."""
    paragraph = "<p>" + " ".join(["Wij helpen mensen in armoede met hun vragen."] * 10) + "</p>"
    report = check_text(paragraph * 25)
    assert report.readability.words == 2000
    assert report.readability.sentences == 250


# Long sentences ---------------------------------------------------------------------------------


def test_a_sentence_over_25_words_is_quoted_by_its_start():
    sentence = " ".join(["woord"] * 25) + " einde."
    report = check_text(f"<p>{sentence}</p>")
    assert [finding.kind for finding in report.findings] == ["long_sentence"]
    with translation.override("nl"):
        message = check_text(f"<p>{sentence}</p>").findings[0].message
    assert "26" in message
    assert "woord woord woord woord woord woord woord woord …" in message


def test_a_sentence_of_25_words_is_fine():
    assert kinds("<p>" + " ".join(["woord"] * 24) + " einde.</p>") == []


# Passive voice ----------------------------------------------------------------------------------


def test_a_paragraph_mostly_in_the_passive_voice():
    html = "<p>De brief wordt verstuurd. De leden worden uitgenodigd. Wij bellen je.</p>"
    assert kinds(html) == ["passive"]


def test_participles_ending_in_en_and_the_subordinate_order_count():
    html = "<p>Het verslag werd geschreven. Dat is wat besproken werd.</p>"
    assert kinds(html) == ["passive"]


def test_half_passive_or_active_paragraphs_are_fine():
    assert kinds("<p>De brief wordt verstuurd. Wij bellen je.</p>") == []
    assert kinds("<p>Wij schrijven een brief. Jij leest hem. Dat is de gelegenheid.</p>") == []
    # A one-sentence paragraph is not "a paragraph in the passive voice".
    assert kinds("<p>De brief wordt verstuurd.</p>") == []


# Headings ------------------------------------------------------------------------------------------


def test_a_heading_that_skips_a_level():
    assert kinds("<h2>Wie</h2><p>Wij.</p><h4>Waar</h4><p>Hier.</p>") == ["heading_order"]


def test_a_first_heading_below_level_2():
    assert kinds("<h3>Wie</h3><p>Wij.</p>") == ["heading_order"]


def test_an_h1_in_the_text():
    assert kinds("<h1>Titel</h1><p>Wij.</p>") == ["heading_order"]


def test_headings_in_order_and_back_up_are_fine():
    assert kinds("<h2>A</h2><h3>B</h3><h4>C</h4><h2>D</h2><h3>E</h3>") == []


# Links ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["klik hier", "Klik hier!", "Lees meer »", "hier", "meer info", "deze pagina"])
def test_vague_link_texts(text):
    assert kinds(f'<p>Het verslag staat <a href="https://example.org/verslag">{text}</a></p>') == ["vague_link"]


def test_a_link_text_that_names_its_target_is_fine():
    assert kinds('<p>Lees <a href="https://example.org/verslag">het verslag van de hoorzitting</a></p>') == []


@pytest.mark.parametrize(
    "href", ["https://example.org/jaarverslag.pdf", "/media/docs/Verslag.DOCX", "https://example.org/x.pdf?download=1"]
)
def test_a_link_to_a_document_without_format_and_size(href):
    assert kinds(f'<p><a href="{href}">Ons jaarverslag</a></p>') == ["document_link"]


@pytest.mark.parametrize("text", ["Ons jaarverslag (PDF, 1,2 MB)", "Ons jaarverslag (pdf, 350 kB)"])
def test_a_link_to_a_document_with_format_and_size_is_fine(text):
    assert kinds(f'<p><a href="https://example.org/jaarverslag.pdf">{text}</a></p>') == []


def test_a_link_to_a_page_about_pdfs_is_not_a_document():
    assert kinds('<p><a href="https://example.org/pdf-uitleg">Uitleg over formulieren</a></p>') == []


# Images ---------------------------------------------------------------------------------------------


def test_an_image_without_alt_text():
    assert kinds('<p><img src="/media/foto.jpg"></p>') == ["image_alt"]


@pytest.mark.parametrize("alt", ["IMG_1234.jpg", "foto-2024.PNG", "groepsfoto"])
def test_an_image_described_by_its_file_name(alt):
    assert kinds(f'<p><img src="/media/groepsfoto" alt="{alt}"></p>') == ["image_alt"]


@pytest.mark.parametrize("alt", ["", "Vrijwilligers delen soep uit op de markt"])
def test_decorative_or_described_images_are_fine(alt):
    assert kinds(f'<p><img src="/media/IMG_1234.jpg" alt="{alt}"></p>') == []


def test_findings_carry_a_severity():
    report = check_text('<h3>Titel</h3><p><a href="https://example.org/a.pdf">Het verslag</a></p>')
    assert [finding.kind for finding in report.warnings] == ["heading_order"]
    assert [finding.kind for finding in report.advice] == ["document_link"]
