"""English text from Debian packages, read locally (no network).

* bible-kjv-text: the King James Bible (1611; copyright expired), read via the `bible` program of
  bible-kjv. One document per chapter, verse numbers removed.
* fortunes: the BSD fortune-mod data files in /usr/share/games/fortunes (quotations, jokes, sayings),
  one document per fortune. `ascii-art` is skipped (drawings, not prose).
"""
import glob
import os
import re
import subprocess

FORTUNE_DIR = "/usr/share/games/fortunes"
SKIP_FORTUNES = {"ascii-art"}


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
        if "." in name or name in SKIP_FORTUNES or os.path.islink(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        text = re.sub(r".\x08", "", text)  # "_\bX" overstrike underlining -> "X"
        for doc in re.split(r"\n%\n", text):
            doc = doc.strip("\n%").rstrip()
            if doc.strip():
                docs.append(doc)
    return docs
