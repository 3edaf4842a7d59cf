"""Freely licensed English and French text from Debian packages, read locally (no network).

Each reader returns a list of documents (strings). SOURCES lists them with their language, Debian package
and licence, which the model card repeats.

English
* bible-kjv-text: the King James Bible (1611; copyright expired), read via the `bible` program of
  bible-kjv. One document per chapter, verse numbers removed.
* fortunes (+ fortunes-min): the BSD fortune-mod data files in /usr/share/games/fortunes, one document per
  fortune. `ascii-art` is skipped (drawings, not prose).
* dict-gcide, dict-devil, dict-jargon, dict-foldoc: dictd databases; one document per entry, the
  pronunciation and cross-reference markup and the "[1913 Webster]" source tags removed.
* wordnet-base: WordNet 3.0 glosses and example sentences ("dog: a member of the genus Canis ...").
French
* debian-reference-fr, debian-faq-fr, maint-guide-fr, aptitude-doc-fr, gimp-help-fr: HTML manuals, one
  document per page, tags removed, untranslated (English) paragraphs dropped.
* manpages-fr: French manual pages, troff markup removed, one document per page.
"""
import base64
import glob
import gzip
import html
import os
import re
import subprocess
import unicodedata

FORTUNE_DIR = "/usr/share/games/fortunes"
SKIP_FORTUNES = {"ascii-art"}
DICTD = "/usr/share/dictd"
WORDNET = "/usr/share/wordnet"


# ---------------------------------------------------------------------------------------------- English
def kjv_chapters():
    """Returns a list of chapter texts, e.g. 'In the beginning God created ... And God said, ...'."""
    raw = subprocess.run(["bible", "Gen1:1-Rev22:21"], capture_output=True, text=True, check=True).stdout
    chapters, verses, verse = [], [], None
    for line in raw.split("\n"):
        m = re.match(r"^\s+(\d+) (.*)$", line)
        if m:  # new verse
            if verse is not None:
                verses.append(verse)
            verse = m.group(2).strip()
        elif re.match(r"^\S.* \d+$", line):  # chapter header, e.g. "Genesis 1"
            if verse is not None:
                verses.append(verse)
            if verses:
                chapters.append(" ".join(verses))
            verses, verse = [], None
        elif line.strip() and verse is not None:  # wrapped continuation of the verse
            verse += " " + line.strip()
    if verse is not None:
        verses.append(verse)
    if verses:
        chapters.append(" ".join(verses))
    return chapters


def fortunes():
    """Returns a list of fortunes (whitespace kept as in the files, overstrikes removed)."""
    docs = []
    for path in sorted(glob.glob(os.path.join(FORTUNE_DIR, "*"))):
        name = os.path.basename(path)
        if "." in name or name in SKIP_FORTUNES or os.path.islink(path) or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        text = re.sub(r".\x08", "", text)  # "_\bX" overstrike underlining -> "X"
        for doc in re.split(r"\n%\n", text):
            doc = doc.strip("\n%").rstrip()
            if doc.strip():
                docs.append(doc)
    return docs


def _b64(s):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    n = 0
    for ch in s:
        n = n * 64 + alphabet.index(ch)
    return n


def _paragraphs(text):
    """Re-flow: each blank-line separated paragraph becomes one line of single-spaced words."""
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n".join(p for p in paras if p)


def dictd(name):
    """Entries of a dictd database (/usr/share/dictd/NAME.{index,dict.dz}), one document per entry."""
    with gzip.open(os.path.join(DICTD, name + ".dict.dz"), "rb") as f:
        data = f.read()
    seen, docs = set(), []
    with open(os.path.join(DICTD, name + ".index"), encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or parts[0].startswith("00") or (parts[1], parts[2]) in seen:
                continue
            seen.add((parts[1], parts[2]))
            off, n = _b64(parts[1]), _b64(parts[2])
            text = data[off:off + n].decode("utf-8", errors="replace")
            text = re.sub(r"\[(1913 Webster|PJC|WordNet 1\.5|Webster 1913 Suppl\.|RH|Century Dict\.|[A-Z]{2,4})\]", "", text)
            text = re.sub(r"\\[^\\\n]{1,60}\\", "", text)  # pronunciation \Af*fect"\
            text = text.replace("{", "").replace("}", "")
            text = _paragraphs(text)
            if len(text) > 20:
                docs.append(text)
    return docs


def wordnet():
    """WordNet glosses: 'word, synonym: gloss; "example"', 40 synsets per document."""
    docs = []
    for pos in ("noun", "verb", "adj", "adv"):
        lines = []
        with open(os.path.join(WORDNET, "data." + pos), encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("  ") or " | " not in line:
                    continue  # licence header
                head, gloss = line.split(" | ", 1)
                f_ = head.split()
                n_words = int(f_[3], 16)
                words = [f_[4 + 2 * i].replace("_", " ") for i in range(n_words)]
                words = [re.sub(r"\(\w+\)$", "", w) for w in words]
                lines.append(f"{', '.join(words)}: {gloss.strip()}")
                if len(lines) == 40:
                    docs.append("\n".join(lines))
                    lines = []
        if lines:
            docs.append("\n".join(lines))
    return docs


def english_dictionaries():
    return dictd("gcide") + dictd("devil") + dictd("jargon") + dictd("foldoc")


# ---------------------------------------------------------------------------------------------- French
def _html_text(raw):
    raw = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", raw)
    raw = re.sub(r"(?is)<pre\b.*?</pre>", "\n\n", raw)  # command listings, not prose
    raw = re.sub(r"(?i)</?(p|div|li|dd|dt|h\d|tr|table|br|ul|ol|dl|blockquote|title)\b[^>]*>", "\n\n", raw)
    raw = re.sub(r"<[^>]+>", "", raw)
    return _paragraphs(html.unescape(raw))


_FR_WORDS = set("le la les de des du et est un une pour dans que qui sur par pas avec sont ce cette il elle au aux ou".split())
_EN_WORDS = set("the of and to is in for that with are this it be by on as an or from you can not".split())


def keep_french(text):
    """Drops the paragraphs of a French manual that were left untranslated (more English than French function words)."""
    out = []
    for para in text.split("\n"):
        words = re.findall(r"[a-zA-Zàâçéèêëîïôûùüÿœ']+", para.lower())
        fr = sum(w in _FR_WORDS for w in words)
        en = sum(w in _EN_WORDS for w in words)
        if fr >= en or (len(words) <= 3 and not en):
            out.append(para)
    return "\n".join(out)


def html_pages(pattern):
    docs = []
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = keep_french(_html_text(f.read()))
        if len(text) > 200:
            docs.append(text)
    return docs


_TROFF_TEXT_MACROS = re.compile(r"^\.(SH|SS|B|I|BR|IR|RB|RI|BI|IB|SM|SB|TP|IP|PP|LP|P|HP|UR|UE|MT|ME)\b\s*(.*)$")


_ACCENTS = {"`": "\u0300", "'": "\u0301", "^": "\u0302", ":": "\u0308", ",": "\u0327", "~": "\u0303"}


def troff_text(src):
    out = []
    for line in src.split("\n"):
        if line.startswith(('.\\"', "'\\\"", '\\"')):
            continue
        if line.startswith((".", "'")):
            m = _TROFF_TEXT_MACROS.match(line)
            if not m:
                out.append("")  # other requests (.TH, .nf, .de, ...) break paragraphs
                continue
            arg = m.group(2).replace('"', "")
            if m.group(1) in ("SH", "SS", "PP", "LP", "P", "TP", "IP", "HP"):
                out.append("")
                arg = "" if m.group(1) in ("TP", "IP", "HP") and arg and not arg[0].isalpha() else arg
            line = arg
        line = re.sub(r"\\f(\[[^\]]*\]|\(..|.)", "", line)
        line = re.sub(r"\\\(([`'^:,~])([A-Za-z])", lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]), line)
        line = re.sub(r"\\\(aq", "'", line)
        line = re.sub(r"\\\((em|en)", "-", line)
        line = re.sub(r"\\\(Fo", "«", line)
        line = re.sub(r"\\\(Fc", "»", line)
        line = re.sub(r"\\\(..|\\\[[^\]]*\]|\\[&|^%:c]", "", line)
        line = line.replace("\\-", "-").replace("\\e", "\\").replace("\\ ", " ").replace("\\~", " ")
        out.append(line)
    return _paragraphs("\n".join(out))


def french_manpages():
    docs = []
    for path in sorted(glob.glob("/usr/share/man/fr/man*/*.gz")):
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
            text = keep_french(troff_text(f.read()))
        if len(text) > 200:
            docs.append(text)
    return docs


SOURCES = [
    # name, language, reader, Debian package(s), licence as stated in /usr/share/doc/PKG/copyright
    ("kjv", "en", kjv_chapters, "bible-kjv-text (via bible-kjv)",
     "King James Version text: copyright expired (public domain); packaging GPL-2+"),
    ("fortunes", "en", fortunes, "fortunes, fortunes-min",
     "BSD (fortune-mod); quotations of mixed origin, freely redistributable as distributed"),
    ("gcide", "en", lambda: dictd("gcide"), "dict-gcide", "GPL-2+ (GNU Collaborative International Dictionary of English)"),
    ("wordnet", "en", wordnet, "wordnet-base", "WordNet 3.0 licence (Princeton; free to use, copy, modify, distribute)"),
    ("devil", "en", lambda: dictd("devil"), "dict-devil", "public domain (Ambrose Bierce, The Devil's Dictionary, 1911)"),
    ("jargon", "en", lambda: dictd("jargon"), "dict-jargon", "public domain (Jargon File 4.4.7); packaging GPL-2+"),
    ("foldoc", "en", lambda: dictd("foldoc"), "dict-foldoc", "GFDL 1.1+ (Free On-line Dictionary of Computing)"),
    ("debian-reference-fr", "fr", lambda: html_pages("/usr/share/debian-reference/*.fr.html"), "debian-reference-fr", "GPL-2+"),
    ("debian-faq-fr", "fr", lambda: html_pages("/usr/share/doc/debian/FAQ/fr/*.html"), "debian-faq-fr", "GPL-2+"),
    ("maint-guide-fr", "fr", lambda: html_pages("/usr/share/doc/maint-guide-fr/html/*.html"), "maint-guide-fr", "GPL-2+"),
    ("aptitude-doc-fr", "fr", lambda: html_pages("/usr/share/doc/aptitude/html/fr/*.html"), "aptitude-doc-fr", "GPL-2+"),
    ("gimp-help-fr", "fr", lambda: html_pages("/usr/share/gimp/2.0/help/fr/*.html"), "gimp-help-fr", "GFDL 1.2+ (no invariant sections)"),
    ("manpages-fr", "fr", french_manpages, "manpages-fr",
     "translations GPL-3+; the original pages under their own free licences"),
]
