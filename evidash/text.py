"""Fixed text shown on every page and in every handout (one place, so a change reaches all of them)."""

DISCLAIMER = "Educational material, not medical advice. Talk to a qualified clinician about any treatment decision."
FOOTER_TAIL = "Every value links to its source; see the Sources and About pages."


def count(n: int, word: str, plural: str | None = None) -> str:
    """'1 result', '11 results' (``plural`` where adding an s is wrong): a number with its noun, as a reader says it."""
    return f"{n} {word if n == 1 else plural or word + 's'}"
