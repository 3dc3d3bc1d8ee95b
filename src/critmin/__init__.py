"""critmin: critical-minerals supply security model."""

__all__: list[str] = []
