"""``python -m tempkit``."""

import sys

from tempkit.cli import main

sys.exit(main())
