"""Fixed text shown on every page and in every handout (one place, so a change reaches all of them)."""

DISCLAIMER = "Educational material, not medical advice. Talk to a qualified clinician about any treatment decision."
FOOTER_TAIL = "Every value links to its source; see the Sources and About pages."
