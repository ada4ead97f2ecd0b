"""Plain-language and accessibility checks of a rich text, for the editors: advice, never a refusal.

Our readers include people in poverty with little schooling, so an editor sees how hard a text is
(LIX) and what makes it harder than it needs to be: long sentences, paragraphs in the passive
voice, headings that skip a level, link texts that say nothing out of context ("klik hier"),
images without a meaningful description and links to documents that do not say what the reader
downloads. `check_text(html)` reads sanitised rich text (core/richtext.py) once, with the
standard library's HTMLParser, in time linear in its length; nothing here touches the database.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from posixpath import basename
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# LIX (Björnsson): words per sentence + the percentage of long words (more than six letters).
# The levels are the ones published with the formula for the Scandinavian languages, which are
# used for Dutch as they are (there are no Dutch norms for LIX): under 25 very easy (children's
# books), 25-34 easy, 35-44 average (newspapers), 45-54 difficult, 55 and over very difficult
# (official and academic texts). See https://www.fonologisk.dk/lixtal/ and
# https://blogg.expressiv.se/blog/archives/321 (the same bands, 30/40/50/60 in older Swedish use).
LONG_WORD = 6
LIX_LEVELS = [
    (25, gettext_lazy("very easy")),
    (35, gettext_lazy("easy")),
    (45, gettext_lazy("average")),
    (55, gettext_lazy("difficult")),
    (None, gettext_lazy("very difficult")),
]
# Above this LIX a text is too hard for many of our readers: the figure is shown as a warning.
LIX_WARNING = 45

MAX_SENTENCE_WORDS = 25
# A paragraph is "in the passive voice" when more than this share of its sentences is.
PASSIVE_SHARE = 0.5
QUOTED_WORDS = 8

# Link texts that say nothing when read out of context (a screen reader's list of links).
VAGUE_LINK_TEXTS = frozenset(
    {
        "",
        "hier",
        "klik",
        "klik hier",
        "klik dan hier",
        "hier klikken",
        "lees meer",
        "lees verder",
        "lees hier",
        "meer",
        "meer info",
        "meer informatie",
        "meer lezen",
        "info",
        "link",
        "deze link",
        "via deze link",
        "deze pagina",
        "op deze pagina",
        "website",
        "deze website",
        "download",
        "downloaden",
        "click here",
        "here",
        "read more",
        "more",
    }
)
DOCUMENT_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "odt", "xls", "xlsx", "ods", "ppt", "pptx", "odp", "rtf", "zip"}
)
IMAGE_FILE_NAME = re.compile(r"^[\w\-. ]+\.(?:jpe?g|png|gif|webp|avif|svg|tiff?|bmp|heic)$", re.IGNORECASE)
FORMAT_IN_TEXT = re.compile(r"\b(?:" + "|".join(sorted(DOCUMENT_EXTENSIONS)) + r")\b", re.IGNORECASE)
SIZE_IN_TEXT = re.compile(r"\d+(?:[.,]\d+)?\s*(?:[kmg]i?b|bytes?)\b", re.IGNORECASE)

# Quotes as escapes: \u2018 \u2019 are the typographic single quotes, \u201c \u201d the double ones.
WORD = re.compile("[^\\W_]+(?:[-'\u2019][^\\W_]+)*")
# A sentence ends at . ! ? or : followed by a space and a capital or a digit ("o.a. de" goes on).
SENTENCE_END = re.compile("(?<=[.!?:])[\"'\u2019\u201d)]*\\s+(?=[\"'\u2018\u201c(]?[^\\W\\d_a-z\u00e0-\u00ff]|\\d)")
# The Dutch passive, cheaply: an auxiliary and a past participle (ge...d/t, or ge...en after
# "worden"; a separable prefix allowed: "uitgenodigd"; be-, ver-, ont-, her- and er- take no ge-:
# "verstuurd", "besproken") in the same sentence.
PARTICIPLE_START = r"(?:[a-z]{0,5}ge|be|ver|ont|her|er)"
PARTICIPLE_DT = rf"{PARTICIPLE_START}[a-zëïéè]{{2,}}(?<!hei)[dt]"
PARTICIPLE_EN = rf"{PARTICIPLE_START}[a-zëïéè]{{2,}}en"
PASSIVE = re.compile(
    rf"\b(?:wordt|worden|werd|werden)\b.*\b(?:{PARTICIPLE_DT}|{PARTICIPLE_EN})\b"
    rf"|\b(?:{PARTICIPLE_DT}|{PARTICIPLE_EN})\b.*\b(?:wordt|worden|werd|werden)\b"
    rf"|\b(?:is|zijn|was|waren)\b.*\b{PARTICIPLE_DT}\b"
    rf"|\b{PARTICIPLE_DT}\b.*\b(?:is|zijn|was|waren)\b"
)

# Elements whose end ends a sentence (a heading or list item needs no full stop).
BLOCKS = frozenset({"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt", "div"})
HEADINGS = {f"h{level}": level for level in range(1, 7)}
# Rich text starts at h2: the page's title is its h1.
FIRST_HEADING_LEVEL = 2


class Severity:
    """How much a finding matters: a barrier for some readers, or advice for an easier text."""

    WARNING = "warning"
    ADVICE = "advice"


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: str
    message: str


@dataclass(frozen=True)
class Readability:
    lix: int
    words: int
    sentences: int
    long_words: int

    @property
    def level(self):
        """The LIX level in words ("gemiddeld")."""
        return next(str(label) for limit, label in LIX_LEVELS if limit is None or self.lix < limit)

    @property
    def is_hard(self):
        return self.lix >= LIX_WARNING


@dataclass(frozen=True)
class Report:
    """What the checks found in one text. `readability` is None for a text without words."""

    readability: Readability | None
    findings: tuple
    # The checks advise; nothing an editor saves is ever refused because of them.
    blocking = False

    @property
    def warnings(self):
        return [finding for finding in self.findings if finding.severity == Severity.WARNING]

    @property
    def advice(self):
        return [finding for finding in self.findings if finding.severity == Severity.ADVICE]

    def __bool__(self):
        return self.readability is not None or bool(self.findings)


class _Reader(HTMLParser):
    """Collects the text blocks, headings, links and images of a piece of rich text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []  # (tag, text) of every block with text, in order
        self.headings = []  # levels, in order
        self.links = []  # (href, text)
        self.images = []  # (src, alt or None)
        self._text = []
        self._block = "p"
        self._link = None  # (href, [text]) while inside <a>

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in BLOCKS:
            self._end_block()
            self._block = tag
        if tag in HEADINGS:
            self.headings.append(HEADINGS[tag])
        elif tag == "a":
            self._link = (attributes.get("href") or "", [])
        elif tag == "img":
            self.images.append((attributes.get("src") or "", attributes.get("alt")))
        elif tag == "br":
            self._text.append(" ")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self._end_block()
        elif tag == "a" and self._link is not None:
            href, text = self._link
            self.links.append((href, " ".join("".join(text).split())))
            self._link = None

    def handle_data(self, data):
        self._text.append(data)
        if self._link is not None:
            self._link[1].append(data)

    def close(self):
        super().close()
        self._end_block()

    def _end_block(self):
        text = " ".join("".join(self._text).split())
        if text:
            self.blocks.append((self._block, text))
        self._text = []
        self._block = "p"


def split_sentences(text):
    return [sentence for sentence in SENTENCE_END.split(text) if WORD.search(sentence)]


def words_of(text):
    return WORD.findall(text)


def is_long(word):
    return sum(character.isalpha() for character in word) > LONG_WORD


def lix(words, sentences, long_words):
    """Björnsson's LIX, rounded: words per sentence plus the percentage of long words."""
    return round(words / sentences + 100 * long_words / words)


def quote(words):
    """The start of a sentence, to find it back in the text."""
    start = " ".join(words[:QUOTED_WORDS])
    return f"{start} …" if len(words) > QUOTED_WORDS else start


def is_passive(sentence):
    return PASSIVE.search(sentence.lower()) is not None


def _sentence_findings(blocks):
    """The readability figure, the long sentences and the paragraphs mostly in the passive voice."""
    findings = []
    total_words = total_sentences = total_long = 0
    for tag, text in blocks:
        sentences = split_sentences(text)
        passive = 0
        for sentence in sentences:
            words = words_of(sentence)
            total_words += len(words)
            total_long += sum(map(is_long, words))
            if len(words) > MAX_SENTENCE_WORDS:
                findings.append(
                    Finding(
                        "long_sentence",
                        Severity.ADVICE,
                        _("A sentence of %(count)s words: “%(start)s”. Try two shorter sentences.")
                        % {"count": len(words), "start": quote(words)},
                    )
                )
            passive += is_passive(sentence)
        total_sentences += len(sentences)
        if tag not in HEADINGS and len(sentences) > 1 and passive / len(sentences) > PASSIVE_SHARE:
            findings.append(
                Finding(
                    "passive",
                    Severity.ADVICE,
                    _("A paragraph mostly in the passive voice: “%(start)s”. Say who does what.")
                    % {"start": quote(words_of(text))},
                )
            )
    if not total_words:
        return None, findings
    return Readability(
        lix(total_words, total_sentences, total_long), total_words, total_sentences, total_long
    ), findings


def _heading_findings(levels):
    """An h1 (the page's title is the only one) and a heading that skips a level on the way down
    (an h4 right under an h2). Going back up (an h2 after an h4) ends a section: that is right."""
    findings = []
    previous = FIRST_HEADING_LEVEL - 1
    for level in levels:
        if level < FIRST_HEADING_LEVEL:
            findings.append(
                Finding(
                    "heading_order",
                    Severity.WARNING,
                    _("A heading 1 in the text: the title of the page is the only one. Start at heading 2."),
                )
            )
        elif level > previous + 1:
            findings.append(
                Finding(
                    "heading_order",
                    Severity.WARNING,
                    _("A heading %(level)s follows a heading %(previous)s: a level is skipped.")
                    % {"level": level, "previous": previous}
                    if previous >= FIRST_HEADING_LEVEL
                    else _("The first heading is a heading %(level)s: start at heading 2.") % {"level": level},
                )
            )
        previous = level
    return findings


def normalise_link_text(text):
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def document_extension(href):
    """The extension of a link to a document ("pdf"), or None for a link to anything else."""
    try:
        path = urlsplit(href).path
    except ValueError:
        return None
    extension = path.rsplit(".", 1)[-1].lower() if "." in basename(path) else ""
    return extension if extension in DOCUMENT_EXTENSIONS else None


def _link_findings(links):
    findings = []
    for href, text in links:
        if normalise_link_text(text) in VAGUE_LINK_TEXTS:
            findings.append(
                Finding(
                    "vague_link",
                    Severity.WARNING,
                    _("The link text “%(text)s” does not say where the link leads. Name the page or document.")
                    % {"text": text},
                )
            )
        extension = document_extension(href)
        if extension and not (FORMAT_IN_TEXT.search(text) and SIZE_IN_TEXT.search(text)):
            findings.append(
                Finding(
                    "document_link",
                    Severity.ADVICE,
                    _("The link “%(text)s” leads to a document: add its format and size, e.g. “(%(format)s, 1,2 MB)”.")
                    % {"text": text, "format": extension.upper()},
                )
            )
    return findings


def is_file_name(alt, src):
    try:
        name = unquote(basename(urlsplit(src).path))
    except ValueError:
        name = ""
    return bool(IMAGE_FILE_NAME.match(alt.strip())) or (bool(name) and alt.strip().lower() == name.lower())


def _image_findings(images):
    findings = []
    for src, alt in images:
        if alt is None:
            message = _("An image without a description (alt text).")
        elif is_file_name(alt, src):
            message = _("An image described by its file name “%(alt)s”: say what it shows.") % {"alt": alt}
        else:
            continue
        findings.append(Finding("image_alt", Severity.WARNING, message))
    return findings


def check_text(html):
    """The report of a sanitised rich text: its readability and what could be clearer. Never blocks."""
    reader = _Reader()
    reader.feed(html or "")
    reader.close()
    readability, findings = _sentence_findings(reader.blocks)
    findings += _heading_findings(reader.headings)
    findings += _link_findings(reader.links)
    findings += _image_findings(reader.images)
    return Report(readability, tuple(findings))
