"""Text normalisation for the matching engine (SPEC §4.1).

`norm`, `core_title` and `core_album` are the spec's functions. `analyse_title` additionally
extracts what tells two recordings apart even when their texts are close: version markers
(live, remix, acoustic, …) and part/catalogue numbers ("Pt. 1" vs "Pt. 2", "Op. 9 No. 2").
Everything here is pure and cached: the same strings are normalised over and over in bulk runs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

_CACHE_SIZE = 1 << 16

# Latin letters whose "accent" is not a combining mark, so NFKD leaves them alone. Folding them
# keeps "Røyksopp" == "Royksopp" like "Björk" == "Bjork"; other scripts are untouched (§4.1).
_LATIN_FOLD = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L"}
    | {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i"}
)
_ASCII_NON_WORD = re.compile(r"[^a-z0-9]+")
_END_OF_ACCENTED_SCRIPTS = "\u0530"  # Latin, IPA, Greek and Cyrillic all sit below Armenian


def _drop_diacritics(decomposed: str) -> str:
    """Drop combining marks that sit on Latin, Greek or Cyrillic letters.

    Marks of other scripts are part of the letter, not an accent: Japanese dakuten (ガ ≠ カ)
    and Devanagari viramas must survive, so those scripts still compare exactly.
    """
    out: list[str] = []
    base = " "
    for ch in decomposed:
        if unicodedata.combining(ch):
            if base < _END_OF_ACCENTED_SCRIPTS:
                continue
        else:
            base = ch
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=_CACHE_SIZE)
def norm(s: str | None) -> str:
    """Normalise text for comparison (SPEC §4.1).

    NFKD, drop combining marks (diacritics), casefold, `&` → `and`, every non letter/digit →
    space, collapse spaces. Marks that belong to a non-Latin script (dakuten, Devanagari vowel
    signs) are kept as word characters and the result is recomposed (NFC), so those scripts
    survive unchanged (Hangul stays in syllables).
    """
    if not s:
        return ""
    text = str(s)
    if text.isascii():  # the common case needs neither NFKD nor per-character checks
        return " ".join(_ASCII_NON_WORD.sub(" ", text.lower().replace("&", " and ")).split())
    text = _drop_diacritics(unicodedata.normalize("NFKD", text))
    text = text.translate(_LATIN_FOLD).casefold().replace("&", " and ")
    if text.isascii():
        return " ".join(_ASCII_NON_WORD.sub(" ", text).split())
    kept = "".join(
        ch if ch.isalnum() or unicodedata.category(ch).startswith("M") else " " for ch in text
    )
    return unicodedata.normalize("NFC", " ".join(kept.split()))


_FEATURING_TAIL = re.compile(
    r"\s+(?:feat\.?|ft\.|featuring)\s+(?:(?!\s[-–—]\s)[^()\[\]{}])*", re.IGNORECASE
)
_ARTIST_FEATURING = re.compile(r"\s+(?:feat\.?|ft\.|featuring)\s.*$", re.IGNORECASE)
_TRAILING_THE = re.compile(r",\s*the\s*$", re.IGNORECASE)


@lru_cache(maxsize=_CACHE_SIZE)
def artist_key(s: str | None) -> str:
    """Comparison form of an artist name: `norm` without featuring guests and article.

    "The Beatles", "Beatles" and "Beatles, The" share the key "beatles". Dropping the article
    also stops "The The" from fully matching every "The …" artist under `token_set_ratio`
    (the shared token "the" would otherwise be a complete intersection). A name that is only
    "The" keeps it.
    """
    if not s:
        return ""
    text = _ARTIST_FEATURING.sub("", str(s))
    had_trailing_article = bool(_TRAILING_THE.search(text))
    key = norm(_TRAILING_THE.sub("", text))
    if had_trailing_article:
        return key or "the"
    if key.startswith("the ") and len(key) > 4:
        return key[4:]
    return key


# --- title analysis -------------------------------------------------------------------------

# Words that change the recording (SPEC §4.1 keeps them in the title), by the version they mark.
_VERSION_MARKERS = {
    "live": "live unplugged concert",
    "session": "session sessions recorded",
    "remix": "remix remixed rmx rework reworked bootleg dub",
    "acoustic": "acoustic stripped",
    "instrumental": "instrumental karaoke",
    "acapella": "acapella acappella cappella",
    "demo": "demo",
    "edit": "edit radio",
    "extended": "extended",
    "reprise": "reprise",
    "orchestral": "orchestral symphonic",
    "alternate": "alternate alt outtake rehearsal",
    "slowed": "slowed",
    "sped up": "sped nightcore",
}
_VERSION_WORDS = {w: version for version, words in _VERSION_MARKERS.items() for w in words.split()}

# Words of re-release, format and upload noise: a segment made only of these (plus years,
# bitrates and "and") is removed, e.g. "(Remastered 2011)", "- Single Version", "[Explicit]",
# "(Official Video)". Mixed with a version word ("Live / Remastered") only the noise goes.
# fmt: off
_NOISE_WORDS = frozenset({
    "remaster", "remastered", "remasterd", "remastering", "digital", "digitally", "version",
    "versions", "explicit", "clean", "single", "album", "lp", "mono", "stereo", "deluxe",
    "edition", "bonus", "track", "tracks", "original", "official", "video", "audio", "lyric",
    "lyrics", "visualizer", "hq", "hd", "kbps", "flac", "mp3", "m4a", "aac", "ogg", "anniversary",
    "expanded", "and", "mix", "mixed",
})
# fmt: on
_BITRATES = frozenset({"128", "160", "192", "224", "256", "320"})
_FEATURING_WORDS = frozenset({"feat", "ft", "featuring"})
_YEAR = re.compile(r"(?:19|20)\d\d")

_BRACKETED = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
_DASH = re.compile(r"\s+[-–—]\s+")
_MOVEMENT = re.compile(r"(?:^|:\s*|\s)(I{1,3}|IV|VI{0,3}|IX|XI{0,2})\.(?=\s)")


@dataclass(frozen=True, slots=True)
class TitleInfo:
    """A title reduced to what identifies the recording (SPEC §4.1 + version rule).

    `core` is `core_title`; `versions` the recording-changing markers found in bracketed or
    dash segments; `numbers` the part/catalogue numbers as sorted `(label, values)` pairs.
    """

    core: str
    versions: frozenset[str]
    numbers: tuple[tuple[str, tuple[int, ...]], ...]


def _is_noise_token(token: str) -> bool:
    return token in _NOISE_WORDS or token in _BITRATES or bool(_YEAR.fullmatch(token))


def _segment_versions(tokens: list[str]) -> set[str]:
    found = {_VERSION_WORDS[t] for t in tokens if t in _VERSION_WORDS}
    if any(a == "take" and b.isdigit() for a, b in pairwise(tokens)):
        found.add("alternate")
    # "Club Mix" is a remix, "Original Mix" / "2009 Stereo Mix" are the release itself.
    mixed = bool({"mix", "mixed"} & set(tokens))
    if not found and mixed and not all(_is_noise_token(t) for t in tokens):
        found.add("remix")
    return found


def clean_segment(segment: str, *, bracketed: bool) -> tuple[str, set[str]]:
    """Return (text kept for core_title, version markers) of one bracket/dash segment."""
    tokens = norm(segment).split()
    if not tokens:
        return "", set()
    first = tokens[0]
    # Featuring credits; Spotify writes "(with X)" for the same thing. "From "Frozen"" only
    # names the soundtrack a song appears on, not a different recording.
    if first in _FEATURING_WORDS or first == "from" or (bracketed and first == "with"):
        return "", set()
    versions = _segment_versions(tokens)
    if all(_is_noise_token(t) for t in tokens):
        return "", set()
    if versions:
        kept = [t for t in tokens if not _is_noise_token(t) or _VERSION_WORDS.get(t)]
        return " ".join(kept), versions
    return " ".join(tokens), set()


def _labels(spellings: dict[str, str]) -> dict[str, str]:
    return {word: label for label, words in spellings.items() for word in words.split()}


# Labels before part numbers (one-sided → different piece) and catalogue numbers (not).
_PART_LABELS = _labels(
    {"part": "pt pts part parts", "chapter": "chapter", "act": "act", "book": "book"}
    | {"vol": "vol volume", "movement": "movement mvt"}
)
_CATALOGUE_LABELS = _labels(
    {"no": "no nr nos", "op": "op opus", "bwv": "bwv", "k": "k kv", "hob": "hob", "d": "d"}
    | {"rv": "rv", "hwv": "hwv"}
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
_ROMAN |= {"x": 10, "xi": 11, "xii": 12}
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_WORDS |= {"eight": 8, "nine": 9, "ten": 10}
PART_LIKE = frozenset(_PART_LABELS.values())


def _number_value(token: str, *, part: bool) -> int | None:
    if token.isdigit():
        return int(token)
    if part:
        return _ROMAN.get(token, _WORDS.get(token))
    return None


def _numbers(core: str, raw: str) -> tuple[str, tuple[tuple[str, tuple[int, ...]], ...]]:
    """Return (core with part labels canonical, number signature).

    Part labels and their numerals are rewritten ("pt ii" / "part two" → "part 2") so the
    spellings of one part compare equal as text too.
    """
    found: dict[str, set[int]] = {}
    tokens = core.split()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        label = _PART_LABELS.get(token) or _CATALOGUE_LABELS.get(token)
        if not label:
            if token.isdigit():
                found.setdefault("", set()).add(int(token))
            out.append(token)
            i += 1
            continue
        part = label in PART_LIKE
        out.append(label if part else token)
        i += 1
        while i < len(tokens):
            value = _number_value(tokens[i], part=part)
            if value is None:
                break
            found.setdefault(label, set()).add(value)
            out.append(str(value) if part else tokens[i])
            i += 1
    for numeral in _MOVEMENT.findall(raw):
        found.setdefault("movement", set()).add(_ROMAN[numeral.lower()])
    signature = tuple(sorted((label, tuple(sorted(values))) for label, values in found.items()))
    return " ".join(out), signature


@lru_cache(maxsize=_CACHE_SIZE)
def analyse_title(s: str | None) -> TitleInfo:
    """Reduce a track title to its `core_title`, version markers and numbers (SPEC §4.1).

    Removed: featuring credits (bracketed, dash-separated or trailing "feat. X"), remaster
    notes, explicit/clean, single/album version, upload noise. Kept: the main title, subtitles
    and the recording-changing words (live, remix, acoustic, edit, instrumental, …).
    """
    if not s:
        return TitleInfo("", frozenset(), ())
    text = _FEATURING_TAIL.sub(" ", str(s))
    kept: list[str] = []
    versions: set[str] = set()
    for content in _BRACKETED.findall(text):
        segment_text, segment_versions = clean_segment(content, bracketed=True)
        kept.append(segment_text)
        versions |= segment_versions
    main, *dash_segments = _DASH.split(_BRACKETED.sub(" ", text))
    for content in dash_segments:
        segment_text, segment_versions = clean_segment(content, bracketed=False)
        kept.append(segment_text)
        versions |= segment_versions
    core = norm(" ".join([main, *kept]))
    if not core:
        # A title that is nothing but a segment ("(Untitled)") keeps its own words.
        core = norm(s)
    core, numbers = _numbers(core, text)
    return TitleInfo(core, frozenset(versions), numbers)


def is_annotation(part: str) -> bool:
    """True for a dash part that annotates a title ("Live", "Remastered 2011", "feat. X")."""
    kept, versions = clean_segment(part, bracketed=False)
    return bool(versions) or not kept


def core_title(s: str | None) -> str:
    """`core_title` of SPEC §4.1: the normalised title without featuring/remaster noise."""
    return analyse_title(s).core


def numbers_conflict(
    a: tuple[tuple[str, tuple[int, ...]], ...], b: tuple[tuple[str, tuple[int, ...]], ...]
) -> str | None:
    """Describe why two number signatures name different pieces, or None when compatible.

    A label on both sides must carry the same values ("Op. 9 No. 1" ≠ "Op. 9 No. 2"). A part
    label on one side only is a conflict ("Song" ≠ "Song, Pt. 2"); a catalogue number on one
    side only is not (catalogues differ in detail). Bare numbers conflict only when both
    sides have some ("Summer of '68" ≠ "Summer of '69"): a stripped track number must not.
    """
    da, db = dict(a), dict(b)
    for label in sorted(set(da) | set(db)):
        va, vb = da.get(label), db.get(label)
        if va is not None and vb is not None:
            if va != vb:
                return f"{label or 'number'} {_fmt(va)} vs {_fmt(vb)}"
        elif label in PART_LIKE:
            return f"{label} {_fmt(va or vb or ())} on one side only"
    return None


def _fmt(values: tuple[int, ...]) -> str:
    return "/".join(str(v) for v in values)


# --- albums ---------------------------------------------------------------------------------

_EDITION_WORDS = frozenset(
    [
        "deluxe",
        "expanded",
        "anniversary",
        "remaster",
        "remastered",
        "edition",
        "bonus",
        "legacy",
        "reissue",
    ]
)
_LIVE_ALBUM = re.compile(r"\blive (?:at|in|from|on)\b|\bunplugged\b|\bin concert\b")


@lru_cache(maxsize=_CACHE_SIZE)
def core_album(s: str | None) -> str:
    """`core_album` of SPEC §4.1: album name without edition noise, normalised.

    Bracketed (and trailing dash-separated) segments mentioning deluxe, expanded,
    anniversary, remaster(ed), edition or bonus tracks are removed; "(Live)" stays.
    """
    if not s:
        return ""
    text = str(s)

    def edition_noise(segment: str) -> bool:
        return bool(_EDITION_WORDS & set(norm(segment).split()))

    text = _BRACKETED.sub(lambda m: " " if edition_noise(m.group(1)) else m.group(0), text)
    main, *rest = _DASH.split(text)
    while rest and edition_noise(rest[-1]):
        rest.pop()
    return norm(" - ".join([main, *rest])) or norm(s)


@lru_cache(maxsize=_CACHE_SIZE)
def album_is_live(s: str | None) -> bool:
    """True when an album name says it is a live recording ("Live at Wembley", "(Live)")."""
    if not s:
        return False
    if _LIVE_ALBUM.search(norm(s)):
        return True
    return any("live" in _segment_versions(norm(seg).split()) for seg in _BRACKETED.findall(str(s)))
