"""Entry point: `streamlit run dashboard.py`. Builds the navigation; each page sets itself up."""
from evidash import nav

nav.run()
