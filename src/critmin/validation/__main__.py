"""``python -m critmin.validation docs/validation.md``: rewrite its generated sections."""

from critmin.validation.report import main

raise SystemExit(main())
