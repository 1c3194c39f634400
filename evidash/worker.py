"""`python -m evidash.worker run dashboard.py [options]`: `streamlit run`, with ``reconnect.install()`` in
place before the first browser connects (scripts/serve.sh starts its workers this way)."""
from __future__ import annotations

import sys

from .reconnect import install


def main() -> None:
    install()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main()


if __name__ == "__main__":
    main()
