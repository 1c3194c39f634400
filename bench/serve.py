"""Run `streamlit run ARGS...` in-process. bench.py starts servers through this wrapper so their
command line does not contain "streamlit run" (other jobs' cleanup by name must not hit them)."""
import sys

from streamlit.web.cli import main

if __name__ == "__main__":
    sys.argv = ["streamlit", "run", *sys.argv[1:]]
    sys.exit(main())
